#!/usr/bin/env python3
import json, sys
if sys.argv[1:] == ['--list']:
    print(json.dumps({
        "web": {"hosts": ["w1", "w2"], "vars": {"http_port": 80}, "children": ["nginx"]},
        "nginx": {"hosts": ["n1"]},
        "db": {"hosts": ["d1"], "children": ["newchild"]},
        "legacy": ["l1", "l2"],
        "all": {"vars": {"dc": "dc1"}},
        "_meta": {"hostvars": {
            "w1": {"ansible_host": "10.0.0.1", "secret": {"__ansible_unsafe": "{{ x }}"}},
            "d1": {"nested": {"a": 1}},
            "orphan": {"dropped": True}
        }}
    }))
else:
    sys.exit("unexpected --host call")
