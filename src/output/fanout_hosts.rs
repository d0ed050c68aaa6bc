//! Compact host lists for `exec --gather` headers and summaries (ClusterShell's folding):
//! names that differ only in a trailing number of the same width fold into one range
//! expression, `web01 web02 web03 web07` → `web[01-03,07]`.

use std::collections::BTreeMap;

/// Folds host names into a comma-separated compact list, sorted by prefix then number.
pub fn fold(hosts: &[String]) -> String {
    // (prefix, digit width) → numbers; names without a trailing number stand alone.
    let mut groups: BTreeMap<(String, usize), Vec<u64>> = BTreeMap::new();
    let mut plain: Vec<&str> = Vec::new();
    for h in hosts {
        let digits = h.bytes().rev().take_while(u8::is_ascii_digit).count();
        let (prefix, num) = h.split_at(h.len() - digits);
        match num.parse::<u64>() {
            Ok(n) if digits > 0 && digits <= 18 => groups
                .entry((prefix.to_string(), digits))
                .or_default()
                .push(n),
            _ => plain.push(h),
        }
    }
    let mut parts: Vec<(String, String)> = plain
        .into_iter()
        .map(|p| (p.to_string(), p.to_string()))
        .collect();
    for ((prefix, width), mut nums) in groups {
        nums.sort_unstable();
        nums.dedup();
        let text = if nums.len() == 1 {
            format!("{prefix}{:0width$}", nums[0])
        } else {
            format!("{prefix}[{}]", ranges(&nums, width))
        };
        parts.push((prefix, text));
    }
    parts.sort();
    parts
        .into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join(",")
}

fn ranges(nums: &[u64], width: usize) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < nums.len() {
        let start = nums[i];
        let mut end = start;
        while i + 1 < nums.len() && nums[i + 1] == end + 1 {
            i += 1;
            end = nums[i];
        }
        out.push(if start == end {
            format!("{start:0width$}")
        } else {
            format!("{start:0width$}-{end:0width$}")
        });
        i += 1;
    }
    out.join(",")
}

#[cfg(test)]
mod tests {
    use super::fold;

    fn f(names: &[&str]) -> String {
        fold(&names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn folds_runs_and_keeps_widths() {
        assert_eq!(f(&["web01", "web02", "web03", "web07"]), "web[01-03,07]");
        assert_eq!(f(&["web07", "web01", "web03", "web02"]), "web[01-03,07]");
        assert_eq!(f(&["db1"]), "db1");
        assert_eq!(f(&["a9", "a10", "a11"]), "a9,a[10-11]");
        assert_eq!(f(&["here", "web1", "web2", "alpha"]), "alpha,here,web[1-2]");
        assert_eq!(f(&["10.0.0.1", "10.0.0.2"]), "10.0.0.[1-2]");
        assert_eq!(f(&[]), "");
    }
}
