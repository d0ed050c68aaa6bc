#!/bin/sh
case "$1" in
  --list) echo '{"web": {"hosts": ["w1", "w2"]}, "db": ["d1"], "all": {"vars": {"x": 1}}, "hostish": {"k": "v"}}' ;;
  --host)
    case "$2" in
      w1) echo '{"ansible_host": "10.0.0.1", "per": "w1"}' ;;
      w2) echo '' ;;
      *) echo '{}' ;;
    esac ;;
esac
