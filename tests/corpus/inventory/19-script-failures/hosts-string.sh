#!/bin/sh
echo '{"g": {"hosts": "h1"}}'
