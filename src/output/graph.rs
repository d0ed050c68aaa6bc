//! `stackctl graph` output: the connection stacks of many hosts as one tree. Every distinct hop
//! chain prefix is one node (same method and kwargs under the same parent), so a bastion that
//! serves ten targets is drawn once with ten children.

use crate::stack::{Hop, HopKind, Stack};
use crate::value::{Map, Value};

/// One hop shared by every stack whose chain starts with the same prefix.
#[derive(Debug, Clone)]
pub struct Node {
    pub method: String,
    pub kind: HopKind,
    pub kwargs: Map,
    /// Inventory hosts whose settings made this hop (usually one).
    pub hosts: Vec<String>,
    /// Selected hosts whose stack ends here.
    pub targets: Vec<String>,
    pub children: Vec<usize>,
}

/// The merged tree; `roots` are the hops run from the controller.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    pub nodes: Vec<Node>,
    pub roots: Vec<usize>,
    /// Hosts whose stack failed to resolve, with the message.
    pub failed: Vec<(String, String)>,
}

impl Tree {
    pub fn build(resolved: &[(String, Result<Stack, String>)]) -> Tree {
        let mut t = Tree::default();
        for (host, r) in resolved {
            match r {
                Ok(stack) => t.add(host, stack),
                Err(e) => t.failed.push((host.clone(), e.clone())),
            }
        }
        t
    }

    fn add(&mut self, target: &str, stack: &Stack) {
        let mut parent: Option<usize> = None;
        for hop in &stack.hops {
            let siblings = match parent {
                Some(p) => &self.nodes[p].children,
                None => &self.roots,
            };
            let found = siblings.iter().copied().find(|&i| {
                let n = &self.nodes[i];
                n.method == hop.method && n.kind == hop.kind && n.kwargs == hop.kwargs
            });
            let idx = match found {
                Some(i) => i,
                None => {
                    let i = self.nodes.len();
                    self.nodes.push(Node {
                        method: hop.method.clone(),
                        kind: hop.kind,
                        kwargs: hop.kwargs.clone(),
                        hosts: Vec::new(),
                        targets: Vec::new(),
                        children: Vec::new(),
                    });
                    match parent {
                        Some(p) => self.nodes[p].children.push(i),
                        None => self.roots.push(i),
                    }
                    i
                }
            };
            if !self.nodes[idx].hosts.contains(&hop.inventory_host) {
                self.nodes[idx].hosts.push(hop.inventory_host.clone());
            }
            parent = Some(idx);
        }
        if let Some(p) = parent
            && !self.nodes[p].targets.iter().any(|t| t == target)
        {
            self.nodes[p].targets.push(target.to_string());
        }
    }
}

fn text_of(v: &Value) -> Option<String> {
    if v.is_null() { None } else { Some(v.py_str()) }
}

/// What a hop does, without secrets: `ssh ops@10.0.0.1:2222`, `sudo as root`, `docker app@web`.
pub fn hop_label(method: &str, kind: HopKind, kwargs: &Map) -> String {
    let get = |k: &str| kwargs.get(k).and_then(text_of);
    match kind {
        HopKind::Become => match get("username") {
            Some(u) => format!("{method} as {u}"),
            None => method.to_string(),
        },
        HopKind::Login => {
            let place = get("hostname")
                .or_else(|| get("container"))
                .or_else(|| get("pod"));
            let Some(place) = place else {
                return method.to_string();
            };
            let user = get("username").map(|u| format!("{u}@")).unwrap_or_default();
            let port = get("port").map(|p| format!(":{p}")).unwrap_or_default();
            format!("{method} {user}{place}{port}")
        }
    }
}

fn node_label(n: &Node) -> String {
    hop_label(&n.method, n.kind, &n.kwargs)
}

fn target_note(n: &Node) -> Option<String> {
    if n.targets.is_empty() {
        None
    } else {
        Some(format!("=> {}", n.targets.join(", ")))
    }
}

/// The indented tree: one line per node, `[inventory host]`, `=> target` where stacks end.
pub fn text(t: &Tree) -> String {
    let mut out = String::new();
    for &r in &t.roots {
        text_node(t, r, "", None, &mut out);
    }
    if !t.failed.is_empty() {
        if !t.roots.is_empty() {
            out.push('\n');
        }
        out.push_str("unresolved:\n");
        for (host, message) in &t.failed {
            out.push_str(&format!("  {host}: {message}\n"));
        }
    }
    out
}

fn text_node(t: &Tree, i: usize, prefix: &str, last: Option<bool>, out: &mut String) {
    let n = &t.nodes[i];
    let (branch, child_prefix) = match last {
        None => (String::new(), String::new()),
        Some(true) => (format!("{prefix}└── "), format!("{prefix}    ")),
        Some(false) => (format!("{prefix}├── "), format!("{prefix}│   ")),
    };
    out.push_str(&branch);
    out.push_str(&node_label(n));
    out.push_str(&format!(" [{}]", n.hosts.join(", ")));
    if let Some(note) = target_note(n) {
        out.push(' ');
        out.push_str(&note);
    }
    out.push('\n');
    let count = n.children.len();
    for (k, &c) in n.children.iter().enumerate() {
        text_node(t, c, &child_prefix, Some(k + 1 == count), out);
    }
}

/// A DOT string literal.
fn dot_str(s: &str) -> String {
    let mut o = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// Graphviz DOT: the controller, one box per hop (targets doubled), failed hosts in red.
pub fn dot(t: &Tree) -> String {
    let mut out = String::from("digraph stackctl {\n");
    out.push_str("  rankdir=LR;\n");
    out.push_str("  node [shape=box, fontname=\"monospace\"];\n");
    out.push_str("  controller [label=\"controller\", shape=ellipse];\n");
    for (i, n) in t.nodes.iter().enumerate() {
        let mut label = format!("{}\n[{}]", node_label(n), n.hosts.join(", "));
        if let Some(note) = target_note(n) {
            label.push('\n');
            label.push_str(&note);
        }
        let style = match (n.kind, n.targets.is_empty()) {
            (HopKind::Become, true) => ", style=dashed",
            (HopKind::Become, false) => ", style=dashed, peripheries=2",
            (HopKind::Login, false) => ", peripheries=2",
            (HopKind::Login, true) => "",
        };
        out.push_str(&format!("  n{i} [label={}{style}];\n", dot_str(&label)));
    }
    for &r in &t.roots {
        out.push_str(&format!("  controller -> n{r};\n"));
    }
    for (i, n) in t.nodes.iter().enumerate() {
        for &c in &n.children {
            out.push_str(&format!("  n{i} -> n{c};\n"));
        }
    }
    for (k, (host, message)) in t.failed.iter().enumerate() {
        out.push_str(&format!(
            "  failed{k} [label={}, color=red, fontcolor=red];\n",
            dot_str(&format!("{host}\n{message}"))
        ));
    }
    out.push_str("}\n");
    out
}

/// A hop as `graph` labels it (used by `ssh-config` comments).
pub fn describe_hop(h: &Hop) -> String {
    hop_label(&h.method, h.kind, &h.kwargs)
}
