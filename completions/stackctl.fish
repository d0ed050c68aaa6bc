# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_stackctl_global_optspecs
    string join \n i/inventory= e/extra-vars= u/user= b/become become-method= become-user= c/connection= private-key= T/timeout= ssh-common-args= ssh-extra-args= k/ask-pass K/ask-become-pass connection-password-file= become-password-file= vault-password-file= vault-id= J/ask-vault-pass playbook-dir= v/verbose color= l/limit= h/help V/version
end

function __fish_stackctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_stackctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_stackctl_using_subcommand
    set -l cmd (__fish_stackctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c stackctl -n "__fish_stackctl_needs_command" -s i -l inventory -d 'Inventory source: a file, a directory, an executable script, or a host list `a,b,` (repeatable; default from ANSIBLE_INVENTORY, ansible.cfg `inventory`, /etc/ansible/hosts)' -r -F
complete -c stackctl -n "__fish_stackctl_needs_command" -s e -l extra-vars -d 'Extra variables: `key=value` words, JSON/YAML text, or `@FILE` (repeatable, later wins)' -r
complete -c stackctl -n "__fish_stackctl_needs_command" -s u -l user -d 'Connect as this user (host variables win, as in Ansible)' -r
complete -c stackctl -n "__fish_stackctl_needs_command" -l become-method -d 'Privilege escalation method (sudo, su, doas …)' -r
complete -c stackctl -n "__fish_stackctl_needs_command" -l become-user -d 'Become this user' -r
complete -c stackctl -n "__fish_stackctl_needs_command" -s c -l connection -d 'Connection type (ssh, local, docker …)' -r
complete -c stackctl -n "__fish_stackctl_needs_command" -l private-key -l key-file -d 'Private key file for ssh connections' -r -F
complete -c stackctl -n "__fish_stackctl_needs_command" -s T -l timeout -d 'Connection timeout in seconds' -r
complete -c stackctl -n "__fish_stackctl_needs_command" -l ssh-common-args -d 'Arguments added to every ssh, sftp and scp command line' -r
complete -c stackctl -n "__fish_stackctl_needs_command" -l ssh-extra-args -d 'Arguments added to ssh command lines only' -r
complete -c stackctl -n "__fish_stackctl_needs_command" -l connection-password-file -l conn-pass-file -d 'Read the connection password from this file\'s first line' -r -F
complete -c stackctl -n "__fish_stackctl_needs_command" -l become-password-file -l become-pass-file -d 'Read the become password from this file\'s first line' -r -F
complete -c stackctl -n "__fish_stackctl_needs_command" -l vault-password-file -l vault-pass-file -d 'Vault password file (repeatable): its content, or the output of an executable file, is a vault secret labelled `default`' -r -F
complete -c stackctl -n "__fish_stackctl_needs_command" -l vault-id -d 'Vault identity `[LABEL@]SOURCE` (repeatable): SOURCE is a password file, an executable, or `prompt`; a 1.2 vault tries the secret with its label first' -r
complete -c stackctl -n "__fish_stackctl_needs_command" -l playbook-dir -d 'The playbook directory: its group_vars/ and host_vars/ apply (default: the current directory)' -r -f -a "(__fish_complete_directories)"
complete -c stackctl -n "__fish_stackctl_needs_command" -l color -d 'When to style table output: auto (a terminal and NO_COLOR unset), always, never' -r -f -a "auto\t'Style when stdout is a terminal and NO_COLOR is unset or empty'
always\t'Always style'
never\t'Never style'"
complete -c stackctl -n "__fish_stackctl_needs_command" -s l -l limit -d 'Further limit the selected hosts with a pattern (`@FILE` reads patterns from a file)' -r
complete -c stackctl -n "__fish_stackctl_needs_command" -s b -l become -d 'Run operations with become'
complete -c stackctl -n "__fish_stackctl_needs_command" -s k -l ask-pass -d 'Ask for the connection password (terminal only)'
complete -c stackctl -n "__fish_stackctl_needs_command" -s K -l ask-become-pass -d 'Ask for the become password (terminal only)'
complete -c stackctl -n "__fish_stackctl_needs_command" -s J -l ask-vault-pass -l ask-vault-password -d 'Ask for the vault password (terminal only)'
complete -c stackctl -n "__fish_stackctl_needs_command" -s v -l verbose -d 'More output (repeat for more)'
complete -c stackctl -n "__fish_stackctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c stackctl -n "__fish_stackctl_needs_command" -s V -l version -d 'Print version'
complete -c stackctl -n "__fish_stackctl_needs_command" -f -a "inventory" -d 'Show the inventory as ansible-inventory does (--list, --host, --graph)'
complete -c stackctl -n "__fish_stackctl_needs_command" -f -a "hosts" -d 'List the hosts a pattern selects, one per line, in Ansible\'s order'
complete -c stackctl -n "__fish_stackctl_needs_command" -f -a "config" -d 'Show a host\'s connection config dict (Ansible-named keys)'
complete -c stackctl -n "__fish_stackctl_needs_command" -f -a "resolve" -d 'Show the connection stack (hops) that reaches a host'
complete -c stackctl -n "__fish_stackctl_needs_command" -f -a "close" -d 'End persisted ssh masters (all, or those of hosts matching PATTERN)'
complete -c stackctl -n "__fish_stackctl_needs_command" -f -a "exec" -d 'Run a command on a host through its connection stack'
complete -c stackctl -n "__fish_stackctl_needs_command" -f -a "shell" -d 'Open an interactive login shell on a host through its connection stack'
complete -c stackctl -n "__fish_stackctl_needs_command" -f -a "graph" -d 'Draw the connection tree of the selected hosts: which bastions and become accounts serve which targets'
complete -c stackctl -n "__fish_stackctl_needs_command" -f -a "ssh-config" -d 'Write an OpenSSH client config (Host blocks with ProxyJump) for hosts reached by ssh only'
complete -c stackctl -n "__fish_stackctl_needs_command" -f -a "check" -d 'Check each selected host\'s connection stack hop by hop: reached, authenticated, become ok'
complete -c stackctl -n "__fish_stackctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -l output -d 'Write the output to FILE instead of stdout' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -l host -d 'Output one host\'s variables' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -l graph -d 'Draw the group tree (optionally from GROUP)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -s i -l inventory -d 'Inventory source: a file, a directory, an executable script, or a host list `a,b,` (repeatable; default from ANSIBLE_INVENTORY, ansible.cfg `inventory`, /etc/ansible/hosts)' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -s e -l extra-vars -d 'Extra variables: `key=value` words, JSON/YAML text, or `@FILE` (repeatable, later wins)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -s u -l user -d 'Connect as this user (host variables win, as in Ansible)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -l become-method -d 'Privilege escalation method (sudo, su, doas …)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -l become-user -d 'Become this user' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -s c -l connection -d 'Connection type (ssh, local, docker …)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -l private-key -l key-file -d 'Private key file for ssh connections' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -s T -l timeout -d 'Connection timeout in seconds' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -l ssh-common-args -d 'Arguments added to every ssh, sftp and scp command line' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -l ssh-extra-args -d 'Arguments added to ssh command lines only' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -l connection-password-file -l conn-pass-file -d 'Read the connection password from this file\'s first line' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -l become-password-file -l become-pass-file -d 'Read the become password from this file\'s first line' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -l vault-password-file -l vault-pass-file -d 'Vault password file (repeatable): its content, or the output of an executable file, is a vault secret labelled `default`' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -l vault-id -d 'Vault identity `[LABEL@]SOURCE` (repeatable): SOURCE is a password file, an executable, or `prompt`; a 1.2 vault tries the secret with its label first' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -l playbook-dir -d 'The playbook directory: its group_vars/ and host_vars/ apply (default: the current directory)' -r -f -a "(__fish_complete_directories)"
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -l color -d 'When to style table output: auto (a terminal and NO_COLOR unset), always, never' -r -f -a "auto\t'Style when stdout is a terminal and NO_COLOR is unset or empty'
always\t'Always style'
never\t'Never style'"
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -s l -l limit -d 'Further limit the selected hosts with a pattern (`@FILE` reads patterns from a file)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -l list -d 'Output all hosts and groups with their variables'
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -l vars -d 'With --graph: add variables'
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -s y -l yaml -d 'YAML instead of JSON'
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -l toml -d 'TOML instead of JSON (not supported: Ansible needs an extra library for it too)'
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -l export -d 'Show variables where they are defined (host or group) instead of merged per host'
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -s b -l become -d 'Run operations with become'
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -s k -l ask-pass -d 'Ask for the connection password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -s K -l ask-become-pass -d 'Ask for the become password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -s J -l ask-vault-pass -l ask-vault-password -d 'Ask for the vault password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -s v -l verbose -d 'More output (repeat for more)'
complete -c stackctl -n "__fish_stackctl_using_subcommand inventory" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c stackctl -n "__fish_stackctl_using_subcommand hosts" -l format -d 'Output format' -r -f -a "lines\t'One name per line'
json\t'A JSON list'"
complete -c stackctl -n "__fish_stackctl_using_subcommand hosts" -s i -l inventory -d 'Inventory source: a file, a directory, an executable script, or a host list `a,b,` (repeatable; default from ANSIBLE_INVENTORY, ansible.cfg `inventory`, /etc/ansible/hosts)' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand hosts" -s e -l extra-vars -d 'Extra variables: `key=value` words, JSON/YAML text, or `@FILE` (repeatable, later wins)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand hosts" -s u -l user -d 'Connect as this user (host variables win, as in Ansible)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand hosts" -l become-method -d 'Privilege escalation method (sudo, su, doas …)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand hosts" -l become-user -d 'Become this user' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand hosts" -s c -l connection -d 'Connection type (ssh, local, docker …)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand hosts" -l private-key -l key-file -d 'Private key file for ssh connections' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand hosts" -s T -l timeout -d 'Connection timeout in seconds' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand hosts" -l ssh-common-args -d 'Arguments added to every ssh, sftp and scp command line' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand hosts" -l ssh-extra-args -d 'Arguments added to ssh command lines only' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand hosts" -l connection-password-file -l conn-pass-file -d 'Read the connection password from this file\'s first line' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand hosts" -l become-password-file -l become-pass-file -d 'Read the become password from this file\'s first line' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand hosts" -l vault-password-file -l vault-pass-file -d 'Vault password file (repeatable): its content, or the output of an executable file, is a vault secret labelled `default`' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand hosts" -l vault-id -d 'Vault identity `[LABEL@]SOURCE` (repeatable): SOURCE is a password file, an executable, or `prompt`; a 1.2 vault tries the secret with its label first' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand hosts" -l playbook-dir -d 'The playbook directory: its group_vars/ and host_vars/ apply (default: the current directory)' -r -f -a "(__fish_complete_directories)"
complete -c stackctl -n "__fish_stackctl_using_subcommand hosts" -l color -d 'When to style table output: auto (a terminal and NO_COLOR unset), always, never' -r -f -a "auto\t'Style when stdout is a terminal and NO_COLOR is unset or empty'
always\t'Always style'
never\t'Never style'"
complete -c stackctl -n "__fish_stackctl_using_subcommand hosts" -s l -l limit -d 'Further limit the selected hosts with a pattern (`@FILE` reads patterns from a file)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand hosts" -s b -l become -d 'Run operations with become'
complete -c stackctl -n "__fish_stackctl_using_subcommand hosts" -s k -l ask-pass -d 'Ask for the connection password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand hosts" -s K -l ask-become-pass -d 'Ask for the become password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand hosts" -s J -l ask-vault-pass -l ask-vault-password -d 'Ask for the vault password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand hosts" -s v -l verbose -d 'More output (repeat for more)'
complete -c stackctl -n "__fish_stackctl_using_subcommand hosts" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c stackctl -n "__fish_stackctl_using_subcommand config" -l format -d 'Output format' -r -f -a "table\t'A table for people'
json\t'JSON for scripts'
yaml\t'YAML for scripts'"
complete -c stackctl -n "__fish_stackctl_using_subcommand config" -s i -l inventory -d 'Inventory source: a file, a directory, an executable script, or a host list `a,b,` (repeatable; default from ANSIBLE_INVENTORY, ansible.cfg `inventory`, /etc/ansible/hosts)' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand config" -s e -l extra-vars -d 'Extra variables: `key=value` words, JSON/YAML text, or `@FILE` (repeatable, later wins)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand config" -s u -l user -d 'Connect as this user (host variables win, as in Ansible)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand config" -l become-method -d 'Privilege escalation method (sudo, su, doas …)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand config" -l become-user -d 'Become this user' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand config" -s c -l connection -d 'Connection type (ssh, local, docker …)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand config" -l private-key -l key-file -d 'Private key file for ssh connections' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand config" -s T -l timeout -d 'Connection timeout in seconds' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand config" -l ssh-common-args -d 'Arguments added to every ssh, sftp and scp command line' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand config" -l ssh-extra-args -d 'Arguments added to ssh command lines only' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand config" -l connection-password-file -l conn-pass-file -d 'Read the connection password from this file\'s first line' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand config" -l become-password-file -l become-pass-file -d 'Read the become password from this file\'s first line' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand config" -l vault-password-file -l vault-pass-file -d 'Vault password file (repeatable): its content, or the output of an executable file, is a vault secret labelled `default`' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand config" -l vault-id -d 'Vault identity `[LABEL@]SOURCE` (repeatable): SOURCE is a password file, an executable, or `prompt`; a 1.2 vault tries the secret with its label first' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand config" -l playbook-dir -d 'The playbook directory: its group_vars/ and host_vars/ apply (default: the current directory)' -r -f -a "(__fish_complete_directories)"
complete -c stackctl -n "__fish_stackctl_using_subcommand config" -l color -d 'When to style table output: auto (a terminal and NO_COLOR unset), always, never' -r -f -a "auto\t'Style when stdout is a terminal and NO_COLOR is unset or empty'
always\t'Always style'
never\t'Never style'"
complete -c stackctl -n "__fish_stackctl_using_subcommand config" -s l -l limit -d 'Further limit the selected hosts with a pattern (`@FILE` reads patterns from a file)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand config" -l explain -d 'Show where every value came from (file:line, group, -e, flag, ansible.cfg, env, default)'
complete -c stackctl -n "__fish_stackctl_using_subcommand config" -l show-secrets -d 'Show passwords instead of ********'
complete -c stackctl -n "__fish_stackctl_using_subcommand config" -s b -l become -d 'Run operations with become'
complete -c stackctl -n "__fish_stackctl_using_subcommand config" -s k -l ask-pass -d 'Ask for the connection password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand config" -s K -l ask-become-pass -d 'Ask for the become password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand config" -s J -l ask-vault-pass -l ask-vault-password -d 'Ask for the vault password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand config" -s v -l verbose -d 'More output (repeat for more)'
complete -c stackctl -n "__fish_stackctl_using_subcommand config" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c stackctl -n "__fish_stackctl_using_subcommand resolve" -l format -d 'Output format' -r -f -a "table\t'A table per hop for people'
json\t'stackctl\'s stable JSON shape'
yaml\t'stackctl\'s stable YAML shape'
mitogen\t'The list of hop dicts exactly as Mitogen builds it'"
complete -c stackctl -n "__fish_stackctl_using_subcommand resolve" -s i -l inventory -d 'Inventory source: a file, a directory, an executable script, or a host list `a,b,` (repeatable; default from ANSIBLE_INVENTORY, ansible.cfg `inventory`, /etc/ansible/hosts)' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand resolve" -s e -l extra-vars -d 'Extra variables: `key=value` words, JSON/YAML text, or `@FILE` (repeatable, later wins)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand resolve" -s u -l user -d 'Connect as this user (host variables win, as in Ansible)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand resolve" -l become-method -d 'Privilege escalation method (sudo, su, doas …)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand resolve" -l become-user -d 'Become this user' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand resolve" -s c -l connection -d 'Connection type (ssh, local, docker …)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand resolve" -l private-key -l key-file -d 'Private key file for ssh connections' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand resolve" -s T -l timeout -d 'Connection timeout in seconds' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand resolve" -l ssh-common-args -d 'Arguments added to every ssh, sftp and scp command line' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand resolve" -l ssh-extra-args -d 'Arguments added to ssh command lines only' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand resolve" -l connection-password-file -l conn-pass-file -d 'Read the connection password from this file\'s first line' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand resolve" -l become-password-file -l become-pass-file -d 'Read the become password from this file\'s first line' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand resolve" -l vault-password-file -l vault-pass-file -d 'Vault password file (repeatable): its content, or the output of an executable file, is a vault secret labelled `default`' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand resolve" -l vault-id -d 'Vault identity `[LABEL@]SOURCE` (repeatable): SOURCE is a password file, an executable, or `prompt`; a 1.2 vault tries the secret with its label first' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand resolve" -l playbook-dir -d 'The playbook directory: its group_vars/ and host_vars/ apply (default: the current directory)' -r -f -a "(__fish_complete_directories)"
complete -c stackctl -n "__fish_stackctl_using_subcommand resolve" -l color -d 'When to style table output: auto (a terminal and NO_COLOR unset), always, never' -r -f -a "auto\t'Style when stdout is a terminal and NO_COLOR is unset or empty'
always\t'Always style'
never\t'Never style'"
complete -c stackctl -n "__fish_stackctl_using_subcommand resolve" -s l -l limit -d 'Further limit the selected hosts with a pattern (`@FILE` reads patterns from a file)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand resolve" -l show-secrets -d 'Show passwords instead of ********'
complete -c stackctl -n "__fish_stackctl_using_subcommand resolve" -s b -l become -d 'Run operations with become'
complete -c stackctl -n "__fish_stackctl_using_subcommand resolve" -s k -l ask-pass -d 'Ask for the connection password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand resolve" -s K -l ask-become-pass -d 'Ask for the become password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand resolve" -s J -l ask-vault-pass -l ask-vault-password -d 'Ask for the vault password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand resolve" -s v -l verbose -d 'More output (repeat for more)'
complete -c stackctl -n "__fish_stackctl_using_subcommand resolve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c stackctl -n "__fish_stackctl_using_subcommand close" -s i -l inventory -d 'Inventory source: a file, a directory, an executable script, or a host list `a,b,` (repeatable; default from ANSIBLE_INVENTORY, ansible.cfg `inventory`, /etc/ansible/hosts)' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand close" -s e -l extra-vars -d 'Extra variables: `key=value` words, JSON/YAML text, or `@FILE` (repeatable, later wins)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand close" -s u -l user -d 'Connect as this user (host variables win, as in Ansible)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand close" -l become-method -d 'Privilege escalation method (sudo, su, doas …)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand close" -l become-user -d 'Become this user' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand close" -s c -l connection -d 'Connection type (ssh, local, docker …)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand close" -l private-key -l key-file -d 'Private key file for ssh connections' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand close" -s T -l timeout -d 'Connection timeout in seconds' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand close" -l ssh-common-args -d 'Arguments added to every ssh, sftp and scp command line' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand close" -l ssh-extra-args -d 'Arguments added to ssh command lines only' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand close" -l connection-password-file -l conn-pass-file -d 'Read the connection password from this file\'s first line' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand close" -l become-password-file -l become-pass-file -d 'Read the become password from this file\'s first line' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand close" -l vault-password-file -l vault-pass-file -d 'Vault password file (repeatable): its content, or the output of an executable file, is a vault secret labelled `default`' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand close" -l vault-id -d 'Vault identity `[LABEL@]SOURCE` (repeatable): SOURCE is a password file, an executable, or `prompt`; a 1.2 vault tries the secret with its label first' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand close" -l playbook-dir -d 'The playbook directory: its group_vars/ and host_vars/ apply (default: the current directory)' -r -f -a "(__fish_complete_directories)"
complete -c stackctl -n "__fish_stackctl_using_subcommand close" -l color -d 'When to style table output: auto (a terminal and NO_COLOR unset), always, never' -r -f -a "auto\t'Style when stdout is a terminal and NO_COLOR is unset or empty'
always\t'Always style'
never\t'Never style'"
complete -c stackctl -n "__fish_stackctl_using_subcommand close" -s l -l limit -d 'Further limit the selected hosts with a pattern (`@FILE` reads patterns from a file)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand close" -s b -l become -d 'Run operations with become'
complete -c stackctl -n "__fish_stackctl_using_subcommand close" -s k -l ask-pass -d 'Ask for the connection password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand close" -s K -l ask-become-pass -d 'Ask for the become password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand close" -s J -l ask-vault-pass -l ask-vault-password -d 'Ask for the vault password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand close" -s v -l verbose -d 'More output (repeat for more)'
complete -c stackctl -n "__fish_stackctl_using_subcommand close" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -l persist -d 'How long the ssh masters this run starts stay up after it, in seconds (0: close them when it ends; masters already up keep their own time)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -l ssh-chain -d 'How consecutive ssh hops are chained (default: the host\'s `stackctl_ssh_chain` var, else tunnel)' -r -f -a "tunnel\t'An ssh hop right after another is connected from this machine through the previous one\'s connection (like `ssh -J`): your keys, agent and known_hosts'
nested\t'Every ssh hop after the first runs `ssh` on the previous machine, with its keys and files'"
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -s f -l forks -d 'With several hosts: how many run at once (default: ANSIBLE_FORKS, ansible.cfg `forks`, else 32)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -l format -d 'With several hosts: `text` prefixes each line with `host: `; `json` prints one object per host per line (host, status, rc, stdout, stderr, hop, error, duration_ms)' -r -f -a "text\t'`host: line` on the matching stream (or `--gather` blocks)'
json\t'One JSON object per host per line'"
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -l outdir -d 'With several hosts: also write each host\'s output to DIR/HOST.out, DIR/HOST.err and its exit status to DIR/HOST.rc (255 when a hop failed)' -r -f -a "(__fish_complete_directories)"
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -l command-timeout -d 'With several hosts: give up on a host\'s command SECONDS after it started (after the login\'s rc files) and report it failed; its process group is killed where it runs (SIGTERM, then SIGKILL 2 s later). -T is the connection timeout per hop; a login that never reaches the command is given up on after both' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -l worker-model -d 'With several hosts: `classic` runs hosts in --forks worker processes (titled `stackctl: worker:HOST` in ps); `inline` runs them all in this process (debugging)' -r -f -a "classic\t'Worker processes, each running one host at a time'
inline\t'Every host in this process'"
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -l muxes -d 'With several hosts (classic model): multiplexer processes that establish the ssh connections; a host goes to the one chosen by a stable hash of its via chain, so all targets behind one bastion meet in one (default 1; STACKCTL_CPU_COUNT=N sets N)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -l max-startups -d 'With several hosts (classic model): at most N ssh handshakes in flight per hop address (stock sshd drops connections beyond MaxStartups 10); kex/reset errors are retried' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -l max-idle -d 'With several hosts (classic model): idle connections a multiplexer keeps per parent hop' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -s i -l inventory -d 'Inventory source: a file, a directory, an executable script, or a host list `a,b,` (repeatable; default from ANSIBLE_INVENTORY, ansible.cfg `inventory`, /etc/ansible/hosts)' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -s e -l extra-vars -d 'Extra variables: `key=value` words, JSON/YAML text, or `@FILE` (repeatable, later wins)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -s u -l user -d 'Connect as this user (host variables win, as in Ansible)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -l become-method -d 'Privilege escalation method (sudo, su, doas …)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -l become-user -d 'Become this user' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -s c -l connection -d 'Connection type (ssh, local, docker …)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -l private-key -l key-file -d 'Private key file for ssh connections' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -s T -l timeout -d 'Connection timeout in seconds' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -l ssh-common-args -d 'Arguments added to every ssh, sftp and scp command line' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -l ssh-extra-args -d 'Arguments added to ssh command lines only' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -l connection-password-file -l conn-pass-file -d 'Read the connection password from this file\'s first line' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -l become-password-file -l become-pass-file -d 'Read the become password from this file\'s first line' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -l vault-password-file -l vault-pass-file -d 'Vault password file (repeatable): its content, or the output of an executable file, is a vault secret labelled `default`' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -l vault-id -d 'Vault identity `[LABEL@]SOURCE` (repeatable): SOURCE is a password file, an executable, or `prompt`; a 1.2 vault tries the secret with its label first' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -l playbook-dir -d 'The playbook directory: its group_vars/ and host_vars/ apply (default: the current directory)' -r -f -a "(__fish_complete_directories)"
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -l color -d 'When to style table output: auto (a terminal and NO_COLOR unset), always, never' -r -f -a "auto\t'Style when stdout is a terminal and NO_COLOR is unset or empty'
always\t'Always style'
never\t'Never style'"
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -s l -l limit -d 'Further limit the selected hosts with a pattern (`@FILE` reads patterns from a file)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -l dry-run -d 'Print the plan (ssh connections with their options, each hop\'s wrapper and the exact command string; passwords as ********) and exit'
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -s t -l tty -d 'Give the command a terminal: a pty here, and `ssh -tt` through the last ssh master'
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -l gather -d 'With several hosts: fold hosts with identical output and status into one block headed by a compact host list (`web[01-03,07]`), printed when all are done'
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -l mux-per-cpu -d 'With several hosts (classic model): one multiplexer per CPU'
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -s b -l become -d 'Run operations with become'
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -s k -l ask-pass -d 'Ask for the connection password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -s K -l ask-become-pass -d 'Ask for the become password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -s J -l ask-vault-pass -l ask-vault-password -d 'Ask for the vault password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -s v -l verbose -d 'More output (repeat for more)'
complete -c stackctl -n "__fish_stackctl_using_subcommand exec" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c stackctl -n "__fish_stackctl_using_subcommand shell" -l ssh-chain -d 'How consecutive ssh hops are chained (default: the host\'s `stackctl_ssh_chain` var, else tunnel)' -r -f -a "tunnel\t'An ssh hop right after another is connected from this machine through the previous one\'s connection (like `ssh -J`): your keys, agent and known_hosts'
nested\t'Every ssh hop after the first runs `ssh` on the previous machine, with its keys and files'"
complete -c stackctl -n "__fish_stackctl_using_subcommand shell" -l persist -d 'How long the ssh masters this run starts stay up after the shell ends, in seconds (0: close them when it ends; masters already up keep their own time)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand shell" -s i -l inventory -d 'Inventory source: a file, a directory, an executable script, or a host list `a,b,` (repeatable; default from ANSIBLE_INVENTORY, ansible.cfg `inventory`, /etc/ansible/hosts)' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand shell" -s e -l extra-vars -d 'Extra variables: `key=value` words, JSON/YAML text, or `@FILE` (repeatable, later wins)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand shell" -s u -l user -d 'Connect as this user (host variables win, as in Ansible)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand shell" -l become-method -d 'Privilege escalation method (sudo, su, doas …)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand shell" -l become-user -d 'Become this user' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand shell" -s c -l connection -d 'Connection type (ssh, local, docker …)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand shell" -l private-key -l key-file -d 'Private key file for ssh connections' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand shell" -s T -l timeout -d 'Connection timeout in seconds' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand shell" -l ssh-common-args -d 'Arguments added to every ssh, sftp and scp command line' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand shell" -l ssh-extra-args -d 'Arguments added to ssh command lines only' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand shell" -l connection-password-file -l conn-pass-file -d 'Read the connection password from this file\'s first line' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand shell" -l become-password-file -l become-pass-file -d 'Read the become password from this file\'s first line' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand shell" -l vault-password-file -l vault-pass-file -d 'Vault password file (repeatable): its content, or the output of an executable file, is a vault secret labelled `default`' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand shell" -l vault-id -d 'Vault identity `[LABEL@]SOURCE` (repeatable): SOURCE is a password file, an executable, or `prompt`; a 1.2 vault tries the secret with its label first' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand shell" -l playbook-dir -d 'The playbook directory: its group_vars/ and host_vars/ apply (default: the current directory)' -r -f -a "(__fish_complete_directories)"
complete -c stackctl -n "__fish_stackctl_using_subcommand shell" -l color -d 'When to style table output: auto (a terminal and NO_COLOR unset), always, never' -r -f -a "auto\t'Style when stdout is a terminal and NO_COLOR is unset or empty'
always\t'Always style'
never\t'Never style'"
complete -c stackctl -n "__fish_stackctl_using_subcommand shell" -s l -l limit -d 'Further limit the selected hosts with a pattern (`@FILE` reads patterns from a file)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand shell" -l dry-run -d 'Print the plan (as `exec --dry-run` does) and exit'
complete -c stackctl -n "__fish_stackctl_using_subcommand shell" -s b -l become -d 'Run operations with become'
complete -c stackctl -n "__fish_stackctl_using_subcommand shell" -s k -l ask-pass -d 'Ask for the connection password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand shell" -s K -l ask-become-pass -d 'Ask for the become password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand shell" -s J -l ask-vault-pass -l ask-vault-password -d 'Ask for the vault password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand shell" -s v -l verbose -d 'More output (repeat for more)'
complete -c stackctl -n "__fish_stackctl_using_subcommand shell" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c stackctl -n "__fish_stackctl_using_subcommand graph" -l format -d 'Output format' -r -f -a "text\t'An indented tree for people'
dot\t'Graphviz DOT (render with `dot -Tsvg`)'"
complete -c stackctl -n "__fish_stackctl_using_subcommand graph" -s i -l inventory -d 'Inventory source: a file, a directory, an executable script, or a host list `a,b,` (repeatable; default from ANSIBLE_INVENTORY, ansible.cfg `inventory`, /etc/ansible/hosts)' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand graph" -s e -l extra-vars -d 'Extra variables: `key=value` words, JSON/YAML text, or `@FILE` (repeatable, later wins)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand graph" -s u -l user -d 'Connect as this user (host variables win, as in Ansible)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand graph" -l become-method -d 'Privilege escalation method (sudo, su, doas …)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand graph" -l become-user -d 'Become this user' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand graph" -s c -l connection -d 'Connection type (ssh, local, docker …)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand graph" -l private-key -l key-file -d 'Private key file for ssh connections' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand graph" -s T -l timeout -d 'Connection timeout in seconds' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand graph" -l ssh-common-args -d 'Arguments added to every ssh, sftp and scp command line' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand graph" -l ssh-extra-args -d 'Arguments added to ssh command lines only' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand graph" -l connection-password-file -l conn-pass-file -d 'Read the connection password from this file\'s first line' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand graph" -l become-password-file -l become-pass-file -d 'Read the become password from this file\'s first line' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand graph" -l vault-password-file -l vault-pass-file -d 'Vault password file (repeatable): its content, or the output of an executable file, is a vault secret labelled `default`' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand graph" -l vault-id -d 'Vault identity `[LABEL@]SOURCE` (repeatable): SOURCE is a password file, an executable, or `prompt`; a 1.2 vault tries the secret with its label first' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand graph" -l playbook-dir -d 'The playbook directory: its group_vars/ and host_vars/ apply (default: the current directory)' -r -f -a "(__fish_complete_directories)"
complete -c stackctl -n "__fish_stackctl_using_subcommand graph" -l color -d 'When to style table output: auto (a terminal and NO_COLOR unset), always, never' -r -f -a "auto\t'Style when stdout is a terminal and NO_COLOR is unset or empty'
always\t'Always style'
never\t'Never style'"
complete -c stackctl -n "__fish_stackctl_using_subcommand graph" -s l -l limit -d 'Further limit the selected hosts with a pattern (`@FILE` reads patterns from a file)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand graph" -s b -l become -d 'Run operations with become'
complete -c stackctl -n "__fish_stackctl_using_subcommand graph" -s k -l ask-pass -d 'Ask for the connection password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand graph" -s K -l ask-become-pass -d 'Ask for the become password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand graph" -s J -l ask-vault-pass -l ask-vault-password -d 'Ask for the vault password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand graph" -s v -l verbose -d 'More output (repeat for more)'
complete -c stackctl -n "__fish_stackctl_using_subcommand graph" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c stackctl -n "__fish_stackctl_using_subcommand ssh-config" -s i -l inventory -d 'Inventory source: a file, a directory, an executable script, or a host list `a,b,` (repeatable; default from ANSIBLE_INVENTORY, ansible.cfg `inventory`, /etc/ansible/hosts)' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand ssh-config" -s e -l extra-vars -d 'Extra variables: `key=value` words, JSON/YAML text, or `@FILE` (repeatable, later wins)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand ssh-config" -s u -l user -d 'Connect as this user (host variables win, as in Ansible)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand ssh-config" -l become-method -d 'Privilege escalation method (sudo, su, doas …)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand ssh-config" -l become-user -d 'Become this user' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand ssh-config" -s c -l connection -d 'Connection type (ssh, local, docker …)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand ssh-config" -l private-key -l key-file -d 'Private key file for ssh connections' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand ssh-config" -s T -l timeout -d 'Connection timeout in seconds' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand ssh-config" -l ssh-common-args -d 'Arguments added to every ssh, sftp and scp command line' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand ssh-config" -l ssh-extra-args -d 'Arguments added to ssh command lines only' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand ssh-config" -l connection-password-file -l conn-pass-file -d 'Read the connection password from this file\'s first line' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand ssh-config" -l become-password-file -l become-pass-file -d 'Read the become password from this file\'s first line' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand ssh-config" -l vault-password-file -l vault-pass-file -d 'Vault password file (repeatable): its content, or the output of an executable file, is a vault secret labelled `default`' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand ssh-config" -l vault-id -d 'Vault identity `[LABEL@]SOURCE` (repeatable): SOURCE is a password file, an executable, or `prompt`; a 1.2 vault tries the secret with its label first' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand ssh-config" -l playbook-dir -d 'The playbook directory: its group_vars/ and host_vars/ apply (default: the current directory)' -r -f -a "(__fish_complete_directories)"
complete -c stackctl -n "__fish_stackctl_using_subcommand ssh-config" -l color -d 'When to style table output: auto (a terminal and NO_COLOR unset), always, never' -r -f -a "auto\t'Style when stdout is a terminal and NO_COLOR is unset or empty'
always\t'Always style'
never\t'Never style'"
complete -c stackctl -n "__fish_stackctl_using_subcommand ssh-config" -s l -l limit -d 'Further limit the selected hosts with a pattern (`@FILE` reads patterns from a file)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand ssh-config" -s b -l become -d 'Run operations with become'
complete -c stackctl -n "__fish_stackctl_using_subcommand ssh-config" -s k -l ask-pass -d 'Ask for the connection password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand ssh-config" -s K -l ask-become-pass -d 'Ask for the become password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand ssh-config" -s J -l ask-vault-pass -l ask-vault-password -d 'Ask for the vault password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand ssh-config" -s v -l verbose -d 'More output (repeat for more)'
complete -c stackctl -n "__fish_stackctl_using_subcommand ssh-config" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c stackctl -n "__fish_stackctl_using_subcommand check" -l format -d 'Output format' -r -f -a "table\t'A table for people, then each failing hop\'s class, message and advice'
json\t'A JSON array with one object per host, for CI'"
complete -c stackctl -n "__fish_stackctl_using_subcommand check" -s f -l forks -d 'How many hosts are checked at once (default: ANSIBLE_FORKS, ansible.cfg `forks`, else 32)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand check" -s i -l inventory -d 'Inventory source: a file, a directory, an executable script, or a host list `a,b,` (repeatable; default from ANSIBLE_INVENTORY, ansible.cfg `inventory`, /etc/ansible/hosts)' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand check" -s e -l extra-vars -d 'Extra variables: `key=value` words, JSON/YAML text, or `@FILE` (repeatable, later wins)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand check" -s u -l user -d 'Connect as this user (host variables win, as in Ansible)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand check" -l become-method -d 'Privilege escalation method (sudo, su, doas …)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand check" -l become-user -d 'Become this user' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand check" -s c -l connection -d 'Connection type (ssh, local, docker …)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand check" -l private-key -l key-file -d 'Private key file for ssh connections' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand check" -s T -l timeout -d 'Connection timeout in seconds' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand check" -l ssh-common-args -d 'Arguments added to every ssh, sftp and scp command line' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand check" -l ssh-extra-args -d 'Arguments added to ssh command lines only' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand check" -l connection-password-file -l conn-pass-file -d 'Read the connection password from this file\'s first line' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand check" -l become-password-file -l become-pass-file -d 'Read the become password from this file\'s first line' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand check" -l vault-password-file -l vault-pass-file -d 'Vault password file (repeatable): its content, or the output of an executable file, is a vault secret labelled `default`' -r -F
complete -c stackctl -n "__fish_stackctl_using_subcommand check" -l vault-id -d 'Vault identity `[LABEL@]SOURCE` (repeatable): SOURCE is a password file, an executable, or `prompt`; a 1.2 vault tries the secret with its label first' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand check" -l playbook-dir -d 'The playbook directory: its group_vars/ and host_vars/ apply (default: the current directory)' -r -f -a "(__fish_complete_directories)"
complete -c stackctl -n "__fish_stackctl_using_subcommand check" -l color -d 'When to style table output: auto (a terminal and NO_COLOR unset), always, never' -r -f -a "auto\t'Style when stdout is a terminal and NO_COLOR is unset or empty'
always\t'Always style'
never\t'Never style'"
complete -c stackctl -n "__fish_stackctl_using_subcommand check" -s l -l limit -d 'Further limit the selected hosts with a pattern (`@FILE` reads patterns from a file)' -r
complete -c stackctl -n "__fish_stackctl_using_subcommand check" -s b -l become -d 'Run operations with become'
complete -c stackctl -n "__fish_stackctl_using_subcommand check" -s k -l ask-pass -d 'Ask for the connection password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand check" -s K -l ask-become-pass -d 'Ask for the become password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand check" -s J -l ask-vault-pass -l ask-vault-password -d 'Ask for the vault password (terminal only)'
complete -c stackctl -n "__fish_stackctl_using_subcommand check" -s v -l verbose -d 'More output (repeat for more)'
complete -c stackctl -n "__fish_stackctl_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c stackctl -n "__fish_stackctl_using_subcommand help; and not __fish_seen_subcommand_from inventory hosts config resolve close exec shell graph ssh-config check help" -f -a "inventory" -d 'Show the inventory as ansible-inventory does (--list, --host, --graph)'
complete -c stackctl -n "__fish_stackctl_using_subcommand help; and not __fish_seen_subcommand_from inventory hosts config resolve close exec shell graph ssh-config check help" -f -a "hosts" -d 'List the hosts a pattern selects, one per line, in Ansible\'s order'
complete -c stackctl -n "__fish_stackctl_using_subcommand help; and not __fish_seen_subcommand_from inventory hosts config resolve close exec shell graph ssh-config check help" -f -a "config" -d 'Show a host\'s connection config dict (Ansible-named keys)'
complete -c stackctl -n "__fish_stackctl_using_subcommand help; and not __fish_seen_subcommand_from inventory hosts config resolve close exec shell graph ssh-config check help" -f -a "resolve" -d 'Show the connection stack (hops) that reaches a host'
complete -c stackctl -n "__fish_stackctl_using_subcommand help; and not __fish_seen_subcommand_from inventory hosts config resolve close exec shell graph ssh-config check help" -f -a "close" -d 'End persisted ssh masters (all, or those of hosts matching PATTERN)'
complete -c stackctl -n "__fish_stackctl_using_subcommand help; and not __fish_seen_subcommand_from inventory hosts config resolve close exec shell graph ssh-config check help" -f -a "exec" -d 'Run a command on a host through its connection stack'
complete -c stackctl -n "__fish_stackctl_using_subcommand help; and not __fish_seen_subcommand_from inventory hosts config resolve close exec shell graph ssh-config check help" -f -a "shell" -d 'Open an interactive login shell on a host through its connection stack'
complete -c stackctl -n "__fish_stackctl_using_subcommand help; and not __fish_seen_subcommand_from inventory hosts config resolve close exec shell graph ssh-config check help" -f -a "graph" -d 'Draw the connection tree of the selected hosts: which bastions and become accounts serve which targets'
complete -c stackctl -n "__fish_stackctl_using_subcommand help; and not __fish_seen_subcommand_from inventory hosts config resolve close exec shell graph ssh-config check help" -f -a "ssh-config" -d 'Write an OpenSSH client config (Host blocks with ProxyJump) for hosts reached by ssh only'
complete -c stackctl -n "__fish_stackctl_using_subcommand help; and not __fish_seen_subcommand_from inventory hosts config resolve close exec shell graph ssh-config check help" -f -a "check" -d 'Check each selected host\'s connection stack hop by hop: reached, authenticated, become ok'
complete -c stackctl -n "__fish_stackctl_using_subcommand help; and not __fish_seen_subcommand_from inventory hosts config resolve close exec shell graph ssh-config check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
