//! YAML 1.1 implicit typing of plain scalars, as PyYAML's SafeLoader resolves and constructs them
//! (ansible-inventory.md §5.2): booleans, nulls, ints (decimal, `0` octal, `0x`, `0b`, `_`,
//! base 60), floats (a dot is required), timestamps.

use crate::value::Value;

/// Types one plain scalar. `Err` carries a constructor error (e.g. an impossible date).
pub fn resolve_plain(text: &str) -> Result<Value, String> {
    if is_null(text) {
        return Ok(Value::Null);
    }
    if let Some(b) = as_bool(text) {
        return Ok(Value::Bool(b));
    }
    if is_int(text) {
        return construct_int(text);
    }
    if is_float(text) {
        return construct_float(text);
    }
    if let Some(ts) = as_timestamp(text)? {
        return Ok(Value::Date(ts));
    }
    Ok(Value::Str(text.to_string()))
}

/// What type a plain scalar with this text would get, as a short name (`str`, `int`, …).
/// Used by the emitter to decide when a string needs quotes.
pub fn plain_is_string(text: &str) -> bool {
    matches!(resolve_plain(text), Ok(Value::Str(_))) && text != "<<" && text != "="
}

pub fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

pub fn as_bool(text: &str) -> Option<bool> {
    match text {
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => Some(true),
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

fn strip_sign(text: &str) -> (bool, &str) {
    if let Some(rest) = text.strip_prefix('-') {
        (true, rest)
    } else if let Some(rest) = text.strip_prefix('+') {
        (false, rest)
    } else {
        (false, text)
    }
}

fn all(s: &str, f: impl Fn(char) -> bool) -> bool {
    !s.is_empty() && s.chars().all(f)
}

/// Base-60 tail `(:[0-5]?[0-9])+`.
fn is_sexagesimal_tail(parts: &[&str]) -> bool {
    !parts.is_empty()
        && parts.iter().all(|p| {
            let b = p.as_bytes();
            match b.len() {
                1 => b[0].is_ascii_digit(),
                2 => (b'0'..=b'5').contains(&b[0]) && b[1].is_ascii_digit(),
                _ => false,
            }
        })
}

fn is_int(text: &str) -> bool {
    let (_, body) = strip_sign(text);
    if let Some(rest) = body.strip_prefix("0b") {
        return all(rest, |c| c == '0' || c == '1' || c == '_');
    }
    if let Some(rest) = body.strip_prefix("0x") {
        return all(rest, |c| c.is_ascii_hexdigit() || c == '_');
    }
    if body == "0" {
        return true;
    }
    if let Some(rest) = body.strip_prefix('0') {
        return all(rest, |c| ('0'..='7').contains(&c) || c == '_');
    }
    let mut parts = body.split(':');
    let head = parts.next().unwrap_or("");
    let head_ok = head.starts_with(|c: char| ('1'..='9').contains(&c))
        && head.chars().all(|c| c.is_ascii_digit() || c == '_');
    if !head_ok {
        return false;
    }
    let tail: Vec<&str> = parts.collect();
    tail.is_empty() || is_sexagesimal_tail(&tail)
}

fn construct_int(text: &str) -> Result<Value, String> {
    let cleaned: String = text.chars().filter(|&c| c != '_').collect();
    let (neg, body) = strip_sign(&cleaned);
    let parsed: Option<i128> = if body == "0" {
        Some(0)
    } else if let Some(rest) = body.strip_prefix("0b") {
        i128::from_str_radix(rest, 2).ok()
    } else if let Some(rest) = body.strip_prefix("0x") {
        i128::from_str_radix(rest, 16).ok()
    } else if body.starts_with('0') {
        i128::from_str_radix(body, 8).ok()
    } else if body.contains(':') {
        let mut acc: i128 = 0;
        let mut ok = true;
        for p in body.split(':') {
            match p.parse::<i128>() {
                Ok(d) => acc = acc.saturating_mul(60).saturating_add(d),
                Err(_) => ok = false,
            }
        }
        ok.then_some(acc)
    } else {
        body.parse::<i128>().ok()
    };
    match parsed {
        Some(n) => {
            let n = if neg { -n } else { n };
            Ok(i64::try_from(n)
                .map(Value::Int)
                .unwrap_or(Value::Float(n as f64)))
        }
        None if body.len() > 30 => Ok(Value::Float(if neg {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        })),
        None => Err(format!("invalid literal for int(): '{text}'")),
    }
}

fn is_exponent(s: &str) -> bool {
    // `[eE][-+][0-9]+` (the sign is required in YAML 1.1).
    let mut chars = s.chars();
    matches!(chars.next(), Some('e' | 'E'))
        && matches!(chars.next(), Some('-' | '+'))
        && all(chars.as_str(), |c| c.is_ascii_digit())
}

fn is_float(text: &str) -> bool {
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF" => {
            return true;
        }
        ".nan" | ".NaN" | ".NAN" => return true,
        _ => {}
    }
    // `\.[0-9][0-9_]*(exp)?` — no sign allowed here.
    if let Some(rest) = text.strip_prefix('.') {
        let (mant, exp) = split_exp(rest);
        return rest.starts_with(|c: char| c.is_ascii_digit())
            && mant.chars().all(|c| c.is_ascii_digit() || c == '_')
            && exp.is_none_or(is_exponent);
    }
    let (_, body) = strip_sign(text);
    let Some((int_part, frac)) = body.split_once('.') else {
        return false;
    };
    if !int_part.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    if int_part.contains(':') {
        // Base 60: `[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*`.
        let mut parts = int_part.split(':');
        let head = parts.next().unwrap_or("");
        let tail: Vec<&str> = parts.collect();
        return all(head, |c| c.is_ascii_digit() || c == '_')
            && is_sexagesimal_tail(&tail)
            && frac.chars().all(|c| c.is_ascii_digit() || c == '_');
    }
    let (frac_digits, exp) = split_exp(frac);
    all(int_part, |c| c.is_ascii_digit() || c == '_')
        && frac_digits.chars().all(|c| c.is_ascii_digit() || c == '_')
        && exp.is_none_or(is_exponent)
}

fn split_exp(s: &str) -> (&str, Option<&str>) {
    match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i..])),
        None => (s, None),
    }
}

fn construct_float(text: &str) -> Result<Value, String> {
    let cleaned: String = text
        .chars()
        .filter(|&c| c != '_')
        .collect::<String>()
        .to_lowercase();
    let (neg, body) = strip_sign(&cleaned);
    let sign = if neg { -1.0 } else { 1.0 };
    if body == ".inf" {
        return Ok(Value::Float(sign * f64::INFINITY));
    }
    if body == ".nan" {
        return Ok(Value::Float(f64::NAN));
    }
    if body.contains(':') {
        let mut acc = 0.0f64;
        for p in body.split(':') {
            let d: f64 = p
                .parse()
                .map_err(|_| format!("could not convert string to float: '{text}'"))?;
            acc = acc * 60.0 + d;
        }
        return Ok(Value::Float(sign * acc));
    }
    let parsed: f64 = if body == "." {
        return Err(format!("could not convert string to float: '{text}'"));
    } else {
        body.parse()
            .map_err(|_| format!("could not convert string to float: '{text}'"))?
    };
    Ok(Value::Float(sign * parsed))
}

fn digits(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

fn num(s: &str) -> u32 {
    s.parse().unwrap_or(0)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

fn check_date(y: u32, m: u32, d: u32) -> Result<(), String> {
    if y < 1 {
        return Err(format!("year {y} is out of range"));
    }
    if !(1..=12).contains(&m) {
        return Err("month must be in 1..12".into());
    }
    if d < 1 || d > days_in_month(y, m) {
        return Err("day is out of range for month".into());
    }
    Ok(())
}

/// A YAML 1.1 timestamp, rendered as Python's `isoformat()`: `2024-01-31` for a date,
/// `2001-12-14T21:59:43.100000-05:00` for a datetime. `Ok(None)` when the text is no timestamp.
pub fn as_timestamp(text: &str) -> Result<Option<String>, String> {
    let b = text.as_bytes();
    if b.len() < 8 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return Ok(None);
    }
    // Date-only form needs exactly YYYY-MM-DD.
    if b.len() == 10 && digits(&text[5..7], 2, 2) && b[7] == b'-' && digits(&text[8..10], 2, 2) {
        let (y, m, d) = (num(&text[..4]), num(&text[5..7]), num(&text[8..10]));
        check_date(y, m, d)?;
        return Ok(Some(text.to_string()));
    }
    // YYYY-M[M]-D[D](T|t|[ \t]+)H[H]:MM:SS(.frac)?([ \t]*(Z|[-+]H[H](:MM)?))?
    let rest = &text[5..];
    let Some((month, rest)) = rest.split_once('-') else {
        return Ok(None);
    };
    if !digits(month, 1, 2) {
        return Ok(None);
    }
    let day_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=2).contains(&day_len) {
        return Ok(None);
    }
    let (day, rest) = rest.split_at(day_len);
    let rest = if let Some(r) = rest.strip_prefix(['T', 't']) {
        r
    } else {
        let trimmed = rest.trim_start_matches([' ', '\t']);
        if trimmed.len() == rest.len() {
            return Ok(None);
        }
        trimmed
    };
    let hour_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=2).contains(&hour_len) {
        return Ok(None);
    }
    let (hour, rest) = rest.split_at(hour_len);
    let rb = rest.as_bytes();
    if rb.len() < 6 || rb[0] != b':' || rb[3] != b':' {
        return Ok(None);
    }
    // Checked slices: the bytes after the colons need not be ASCII (fuzzing found a panic).
    let (Some(minute), Some(second), Some(after)) = (rest.get(1..3), rest.get(4..6), rest.get(6..))
    else {
        return Ok(None);
    };
    if !digits(minute, 2, 2) || !digits(second, 2, 2) {
        return Ok(None);
    }
    let mut rest = after;
    let mut fraction = "";
    if let Some(r) = rest.strip_prefix('.') {
        let n = r.bytes().take_while(u8::is_ascii_digit).count();
        fraction = &r[..n];
        rest = &r[n..];
    }
    let tz_text = rest.trim_start_matches([' ', '\t']);
    let tz: Option<String> = if tz_text.is_empty() {
        if !rest.is_empty() {
            return Ok(None);
        }
        None
    } else if tz_text == "Z" {
        Some("+00:00".into())
    } else {
        let Some(body) = tz_text.strip_prefix(['-', '+']) else {
            return Ok(None);
        };
        let sign = &tz_text[..1];
        let (h, m) = match body.split_once(':') {
            Some((h, m)) => (h, m),
            None => (body, "00"),
        };
        if !digits(h, 1, 2) || !digits(m, 2, 2) {
            return Ok(None);
        }
        Some(format!("{sign}{:02}:{m}", num(h)))
    };
    let (y, mo, d) = (num(&text[..4]), num(month), num(day));
    check_date(y, mo, d)?;
    let (h, mi, s) = (num(hour), num(minute), num(second));
    if h > 23 {
        return Err("hour must be in 0..23".into());
    }
    if mi > 59 {
        return Err("minute must be in 0..59".into());
    }
    if s > 59 {
        return Err("second must be in 0..59".into());
    }
    let mut out = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}");
    let micro: String = fraction
        .chars()
        .chain(std::iter::repeat('0'))
        .take(6)
        .collect();
    if micro != "000000" {
        out.push('.');
        out.push_str(&micro);
    }
    if let Some(tz) = tz {
        out.push_str(&tz);
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {

    #[test]
    fn timestamp_followed_by_multibyte_text_is_a_string() {
        // Found by tests/fuzz_parsers.rs: a no-break space after the seconds panicked on a
        // byte slice; PyYAML's timestamp pattern does not match, so the scalar is text.
        for text in [
            "2024-01-31 10:20:30\u{a0}",
            "2024-01-31 10:2\u{e9}:30",
            "2024-01-31 1:12:1\u{e9}",
        ] {
            assert!(matches!(resolve_plain(text), Ok(Value::Str(_))), "{text:?}");
        }
    }

    use super::*;

    // ansible-inventory.md §5.2; every expectation below was printed by PyYAML 6 safe_load.
    #[test]
    fn plain_scalars_type_like_pyyaml() {
        let cases: &[(&str, Value)] = &[
            ("yes", Value::Bool(true)),
            ("Off", Value::Bool(false)),
            ("TRUE", Value::Bool(true)),
            ("tRUE", Value::str("tRUE")),
            ("y", Value::str("y")),
            ("n", Value::str("n")),
            ("NULL", Value::Null),
            ("nULL", Value::str("nULL")),
            ("~", Value::Null),
            ("", Value::Null),
            ("010", Value::Int(8)),
            ("+010", Value::Int(8)),
            ("0o17", Value::str("0o17")),
            ("09", Value::str("09")),
            ("00", Value::Int(0)),
            ("0_", Value::Int(0)),
            ("-0", Value::Int(0)),
            ("0x1f", Value::Int(31)),
            ("0x_1f", Value::Int(31)),
            ("-0x1f", Value::Int(-31)),
            ("0b101", Value::Int(5)),
            ("0b", Value::str("0b")),
            ("0x", Value::str("0x")),
            ("1_000", Value::Int(1000)),
            ("1__0", Value::Int(10)),
            ("1:30", Value::Int(90)),
            ("-1:30", Value::Int(-90)),
            ("12:30:00", Value::Int(45000)),
            ("1:5:07", Value::Int(3907)),
            ("1:60", Value::str("1:60")),
            ("-1:0", Value::Int(-60)),
            ("1.10", Value::Float(1.1)),
            ("1e3", Value::str("1e3")),
            ("1.0e3", Value::str("1.0e3")),
            ("1.0e+3", Value::Float(1000.0)),
            (".5", Value::Float(0.5)),
            (".5e+1", Value::Float(5.0)),
            ("-.5", Value::str("-.5")),
            ("+.5", Value::str("+.5")),
            ("._5", Value::str("._5")),
            ("1.", Value::Float(1.0)),
            ("0.", Value::Float(0.0)),
            ("1_0.5", Value::Float(10.5)),
            ("1:30.5", Value::Float(90.5)),
            ("190:20:30.15", Value::Float(685230.15)),
            ("685.230_15e+03", Value::Float(685230.15)),
            ("+.inf", Value::Float(f64::INFINITY)),
            ("-.Inf", Value::Float(f64::NEG_INFINITY)),
            ("+.nan", Value::str("+.nan")),
            ("2002-01-01", Value::Date("2002-01-01".into())),
            ("2002-1-1", Value::str("2002-1-1")),
            (
                "2002-1-1 1:02:03",
                Value::Date("2002-01-01T01:02:03".into()),
            ),
            (
                "2002-12-14T21:59:43.1Z",
                Value::Date("2002-12-14T21:59:43.100000+00:00".into()),
            ),
            (
                "2001-12-14 21:59:43.10 -5",
                Value::Date("2001-12-14T21:59:43.100000-05:00".into()),
            ),
            (
                "2001-12-14t21:59:43.10-05:00",
                Value::Date("2001-12-14T21:59:43.100000-05:00".into()),
            ),
            (
                "2001-12-14 21:59:43",
                Value::Date("2001-12-14T21:59:43".into()),
            ),
            ("<<x", Value::str("<<x")),
        ];
        for (text, want) in cases {
            assert_eq!(&resolve_plain(text).unwrap(), want, "{text:?}");
        }
        assert!(resolve_plain(".nan").unwrap() != resolve_plain(".nan").unwrap()); // NaN
    }

    #[test]
    fn impossible_dates_are_errors() {
        assert!(resolve_plain("2024-02-30").is_err());
        assert!(resolve_plain("2024-02-29").is_ok());
    }
}
