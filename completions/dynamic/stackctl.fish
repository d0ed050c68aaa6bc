complete --keep-order --exclusive --command stackctl --arguments "(COMPLETE=fish stackctl -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
