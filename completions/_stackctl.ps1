
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'stackctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'stackctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'stackctl' {
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Inventory source: a file, a directory, an executable script, or a host list `a,b,` (repeatable; default from ANSIBLE_INVENTORY, ansible.cfg `inventory`, /etc/ansible/hosts)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory source: a file, a directory, an executable script, or a host list `a,b,` (repeatable; default from ANSIBLE_INVENTORY, ansible.cfg `inventory`, /etc/ansible/hosts)')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Extra variables: `key=value` words, JSON/YAML text, or `@FILE` (repeatable, later wins)')
            [CompletionResult]::new('--extra-vars', '--extra-vars', [CompletionResultType]::ParameterName, 'Extra variables: `key=value` words, JSON/YAML text, or `@FILE` (repeatable, later wins)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Connect as this user (host variables win, as in Ansible)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Connect as this user (host variables win, as in Ansible)')
            [CompletionResult]::new('--become-method', '--become-method', [CompletionResultType]::ParameterName, 'Privilege escalation method (sudo, su, doas …)')
            [CompletionResult]::new('--become-user', '--become-user', [CompletionResultType]::ParameterName, 'Become this user')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Connection type (ssh, local, docker …)')
            [CompletionResult]::new('--connection', '--connection', [CompletionResultType]::ParameterName, 'Connection type (ssh, local, docker …)')
            [CompletionResult]::new('--private-key', '--private-key', [CompletionResultType]::ParameterName, 'Private key file for ssh connections')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Private key file for ssh connections')
            [CompletionResult]::new('-T', '-T ', [CompletionResultType]::ParameterName, 'Connection timeout in seconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Connection timeout in seconds')
            [CompletionResult]::new('--ssh-common-args', '--ssh-common-args', [CompletionResultType]::ParameterName, 'Arguments added to every ssh, sftp and scp command line')
            [CompletionResult]::new('--ssh-extra-args', '--ssh-extra-args', [CompletionResultType]::ParameterName, 'Arguments added to ssh command lines only')
            [CompletionResult]::new('--connection-password-file', '--connection-password-file', [CompletionResultType]::ParameterName, 'Read the connection password from this file''s first line')
            [CompletionResult]::new('--conn-pass-file', '--conn-pass-file', [CompletionResultType]::ParameterName, 'Read the connection password from this file''s first line')
            [CompletionResult]::new('--become-password-file', '--become-password-file', [CompletionResultType]::ParameterName, 'Read the become password from this file''s first line')
            [CompletionResult]::new('--become-pass-file', '--become-pass-file', [CompletionResultType]::ParameterName, 'Read the become password from this file''s first line')
            [CompletionResult]::new('--playbook-dir', '--playbook-dir', [CompletionResultType]::ParameterName, 'The playbook directory: its group_vars/ and host_vars/ apply (default: the current directory)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to style table output: auto (a terminal and NO_COLOR unset), always, never')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Further limit the selected hosts with a pattern (`@FILE` reads patterns from a file)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Further limit the selected hosts with a pattern (`@FILE` reads patterns from a file)')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Run operations with become')
            [CompletionResult]::new('--become', '--become', [CompletionResultType]::ParameterName, 'Run operations with become')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Ask for the connection password (terminal only)')
            [CompletionResult]::new('--ask-pass', '--ask-pass', [CompletionResultType]::ParameterName, 'Ask for the connection password (terminal only)')
            [CompletionResult]::new('-K', '-K ', [CompletionResultType]::ParameterName, 'Ask for the become password (terminal only)')
            [CompletionResult]::new('--ask-become-pass', '--ask-become-pass', [CompletionResultType]::ParameterName, 'Ask for the become password (terminal only)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More output (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More output (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('inventory', 'inventory', [CompletionResultType]::ParameterValue, 'Show the inventory as ansible-inventory does (--list, --host, --graph)')
            [CompletionResult]::new('hosts', 'hosts', [CompletionResultType]::ParameterValue, 'List the hosts a pattern selects, one per line, in Ansible''s order')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show a host''s connection config dict (Ansible-named keys)')
            [CompletionResult]::new('resolve', 'resolve', [CompletionResultType]::ParameterValue, 'Show the connection stack (hops) that reaches a host')
            [CompletionResult]::new('graph', 'graph', [CompletionResultType]::ParameterValue, 'Draw the connection tree of the selected hosts: which bastions and become accounts serve which targets')
            [CompletionResult]::new('ssh-config', 'ssh-config', [CompletionResultType]::ParameterValue, 'Write an OpenSSH client config (Host blocks with ProxyJump) for hosts reached by ssh only')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'stackctl;inventory' {
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the output to FILE instead of stdout')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Output one host''s variables')
            [CompletionResult]::new('--graph', '--graph', [CompletionResultType]::ParameterName, 'Draw the group tree (optionally from GROUP)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Inventory source: a file, a directory, an executable script, or a host list `a,b,` (repeatable; default from ANSIBLE_INVENTORY, ansible.cfg `inventory`, /etc/ansible/hosts)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory source: a file, a directory, an executable script, or a host list `a,b,` (repeatable; default from ANSIBLE_INVENTORY, ansible.cfg `inventory`, /etc/ansible/hosts)')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Extra variables: `key=value` words, JSON/YAML text, or `@FILE` (repeatable, later wins)')
            [CompletionResult]::new('--extra-vars', '--extra-vars', [CompletionResultType]::ParameterName, 'Extra variables: `key=value` words, JSON/YAML text, or `@FILE` (repeatable, later wins)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Connect as this user (host variables win, as in Ansible)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Connect as this user (host variables win, as in Ansible)')
            [CompletionResult]::new('--become-method', '--become-method', [CompletionResultType]::ParameterName, 'Privilege escalation method (sudo, su, doas …)')
            [CompletionResult]::new('--become-user', '--become-user', [CompletionResultType]::ParameterName, 'Become this user')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Connection type (ssh, local, docker …)')
            [CompletionResult]::new('--connection', '--connection', [CompletionResultType]::ParameterName, 'Connection type (ssh, local, docker …)')
            [CompletionResult]::new('--private-key', '--private-key', [CompletionResultType]::ParameterName, 'Private key file for ssh connections')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Private key file for ssh connections')
            [CompletionResult]::new('-T', '-T ', [CompletionResultType]::ParameterName, 'Connection timeout in seconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Connection timeout in seconds')
            [CompletionResult]::new('--ssh-common-args', '--ssh-common-args', [CompletionResultType]::ParameterName, 'Arguments added to every ssh, sftp and scp command line')
            [CompletionResult]::new('--ssh-extra-args', '--ssh-extra-args', [CompletionResultType]::ParameterName, 'Arguments added to ssh command lines only')
            [CompletionResult]::new('--connection-password-file', '--connection-password-file', [CompletionResultType]::ParameterName, 'Read the connection password from this file''s first line')
            [CompletionResult]::new('--conn-pass-file', '--conn-pass-file', [CompletionResultType]::ParameterName, 'Read the connection password from this file''s first line')
            [CompletionResult]::new('--become-password-file', '--become-password-file', [CompletionResultType]::ParameterName, 'Read the become password from this file''s first line')
            [CompletionResult]::new('--become-pass-file', '--become-pass-file', [CompletionResultType]::ParameterName, 'Read the become password from this file''s first line')
            [CompletionResult]::new('--playbook-dir', '--playbook-dir', [CompletionResultType]::ParameterName, 'The playbook directory: its group_vars/ and host_vars/ apply (default: the current directory)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to style table output: auto (a terminal and NO_COLOR unset), always, never')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Further limit the selected hosts with a pattern (`@FILE` reads patterns from a file)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Further limit the selected hosts with a pattern (`@FILE` reads patterns from a file)')
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'Output all hosts and groups with their variables')
            [CompletionResult]::new('--vars', '--vars', [CompletionResultType]::ParameterName, 'With --graph: add variables')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'YAML instead of JSON')
            [CompletionResult]::new('--yaml', '--yaml', [CompletionResultType]::ParameterName, 'YAML instead of JSON')
            [CompletionResult]::new('--toml', '--toml', [CompletionResultType]::ParameterName, 'TOML instead of JSON (not supported: Ansible needs an extra library for it too)')
            [CompletionResult]::new('--export', '--export', [CompletionResultType]::ParameterName, 'Show variables where they are defined (host or group) instead of merged per host')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Run operations with become')
            [CompletionResult]::new('--become', '--become', [CompletionResultType]::ParameterName, 'Run operations with become')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Ask for the connection password (terminal only)')
            [CompletionResult]::new('--ask-pass', '--ask-pass', [CompletionResultType]::ParameterName, 'Ask for the connection password (terminal only)')
            [CompletionResult]::new('-K', '-K ', [CompletionResultType]::ParameterName, 'Ask for the become password (terminal only)')
            [CompletionResult]::new('--ask-become-pass', '--ask-become-pass', [CompletionResultType]::ParameterName, 'Ask for the become password (terminal only)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More output (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More output (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'stackctl;hosts' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Inventory source: a file, a directory, an executable script, or a host list `a,b,` (repeatable; default from ANSIBLE_INVENTORY, ansible.cfg `inventory`, /etc/ansible/hosts)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory source: a file, a directory, an executable script, or a host list `a,b,` (repeatable; default from ANSIBLE_INVENTORY, ansible.cfg `inventory`, /etc/ansible/hosts)')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Extra variables: `key=value` words, JSON/YAML text, or `@FILE` (repeatable, later wins)')
            [CompletionResult]::new('--extra-vars', '--extra-vars', [CompletionResultType]::ParameterName, 'Extra variables: `key=value` words, JSON/YAML text, or `@FILE` (repeatable, later wins)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Connect as this user (host variables win, as in Ansible)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Connect as this user (host variables win, as in Ansible)')
            [CompletionResult]::new('--become-method', '--become-method', [CompletionResultType]::ParameterName, 'Privilege escalation method (sudo, su, doas …)')
            [CompletionResult]::new('--become-user', '--become-user', [CompletionResultType]::ParameterName, 'Become this user')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Connection type (ssh, local, docker …)')
            [CompletionResult]::new('--connection', '--connection', [CompletionResultType]::ParameterName, 'Connection type (ssh, local, docker …)')
            [CompletionResult]::new('--private-key', '--private-key', [CompletionResultType]::ParameterName, 'Private key file for ssh connections')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Private key file for ssh connections')
            [CompletionResult]::new('-T', '-T ', [CompletionResultType]::ParameterName, 'Connection timeout in seconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Connection timeout in seconds')
            [CompletionResult]::new('--ssh-common-args', '--ssh-common-args', [CompletionResultType]::ParameterName, 'Arguments added to every ssh, sftp and scp command line')
            [CompletionResult]::new('--ssh-extra-args', '--ssh-extra-args', [CompletionResultType]::ParameterName, 'Arguments added to ssh command lines only')
            [CompletionResult]::new('--connection-password-file', '--connection-password-file', [CompletionResultType]::ParameterName, 'Read the connection password from this file''s first line')
            [CompletionResult]::new('--conn-pass-file', '--conn-pass-file', [CompletionResultType]::ParameterName, 'Read the connection password from this file''s first line')
            [CompletionResult]::new('--become-password-file', '--become-password-file', [CompletionResultType]::ParameterName, 'Read the become password from this file''s first line')
            [CompletionResult]::new('--become-pass-file', '--become-pass-file', [CompletionResultType]::ParameterName, 'Read the become password from this file''s first line')
            [CompletionResult]::new('--playbook-dir', '--playbook-dir', [CompletionResultType]::ParameterName, 'The playbook directory: its group_vars/ and host_vars/ apply (default: the current directory)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to style table output: auto (a terminal and NO_COLOR unset), always, never')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Further limit the selected hosts with a pattern (`@FILE` reads patterns from a file)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Further limit the selected hosts with a pattern (`@FILE` reads patterns from a file)')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Run operations with become')
            [CompletionResult]::new('--become', '--become', [CompletionResultType]::ParameterName, 'Run operations with become')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Ask for the connection password (terminal only)')
            [CompletionResult]::new('--ask-pass', '--ask-pass', [CompletionResultType]::ParameterName, 'Ask for the connection password (terminal only)')
            [CompletionResult]::new('-K', '-K ', [CompletionResultType]::ParameterName, 'Ask for the become password (terminal only)')
            [CompletionResult]::new('--ask-become-pass', '--ask-become-pass', [CompletionResultType]::ParameterName, 'Ask for the become password (terminal only)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More output (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More output (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'stackctl;config' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Inventory source: a file, a directory, an executable script, or a host list `a,b,` (repeatable; default from ANSIBLE_INVENTORY, ansible.cfg `inventory`, /etc/ansible/hosts)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory source: a file, a directory, an executable script, or a host list `a,b,` (repeatable; default from ANSIBLE_INVENTORY, ansible.cfg `inventory`, /etc/ansible/hosts)')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Extra variables: `key=value` words, JSON/YAML text, or `@FILE` (repeatable, later wins)')
            [CompletionResult]::new('--extra-vars', '--extra-vars', [CompletionResultType]::ParameterName, 'Extra variables: `key=value` words, JSON/YAML text, or `@FILE` (repeatable, later wins)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Connect as this user (host variables win, as in Ansible)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Connect as this user (host variables win, as in Ansible)')
            [CompletionResult]::new('--become-method', '--become-method', [CompletionResultType]::ParameterName, 'Privilege escalation method (sudo, su, doas …)')
            [CompletionResult]::new('--become-user', '--become-user', [CompletionResultType]::ParameterName, 'Become this user')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Connection type (ssh, local, docker …)')
            [CompletionResult]::new('--connection', '--connection', [CompletionResultType]::ParameterName, 'Connection type (ssh, local, docker …)')
            [CompletionResult]::new('--private-key', '--private-key', [CompletionResultType]::ParameterName, 'Private key file for ssh connections')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Private key file for ssh connections')
            [CompletionResult]::new('-T', '-T ', [CompletionResultType]::ParameterName, 'Connection timeout in seconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Connection timeout in seconds')
            [CompletionResult]::new('--ssh-common-args', '--ssh-common-args', [CompletionResultType]::ParameterName, 'Arguments added to every ssh, sftp and scp command line')
            [CompletionResult]::new('--ssh-extra-args', '--ssh-extra-args', [CompletionResultType]::ParameterName, 'Arguments added to ssh command lines only')
            [CompletionResult]::new('--connection-password-file', '--connection-password-file', [CompletionResultType]::ParameterName, 'Read the connection password from this file''s first line')
            [CompletionResult]::new('--conn-pass-file', '--conn-pass-file', [CompletionResultType]::ParameterName, 'Read the connection password from this file''s first line')
            [CompletionResult]::new('--become-password-file', '--become-password-file', [CompletionResultType]::ParameterName, 'Read the become password from this file''s first line')
            [CompletionResult]::new('--become-pass-file', '--become-pass-file', [CompletionResultType]::ParameterName, 'Read the become password from this file''s first line')
            [CompletionResult]::new('--playbook-dir', '--playbook-dir', [CompletionResultType]::ParameterName, 'The playbook directory: its group_vars/ and host_vars/ apply (default: the current directory)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to style table output: auto (a terminal and NO_COLOR unset), always, never')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Further limit the selected hosts with a pattern (`@FILE` reads patterns from a file)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Further limit the selected hosts with a pattern (`@FILE` reads patterns from a file)')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Show where every value came from (file:line, group, -e, flag, ansible.cfg, env, default)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show passwords instead of ********')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Run operations with become')
            [CompletionResult]::new('--become', '--become', [CompletionResultType]::ParameterName, 'Run operations with become')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Ask for the connection password (terminal only)')
            [CompletionResult]::new('--ask-pass', '--ask-pass', [CompletionResultType]::ParameterName, 'Ask for the connection password (terminal only)')
            [CompletionResult]::new('-K', '-K ', [CompletionResultType]::ParameterName, 'Ask for the become password (terminal only)')
            [CompletionResult]::new('--ask-become-pass', '--ask-become-pass', [CompletionResultType]::ParameterName, 'Ask for the become password (terminal only)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More output (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More output (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'stackctl;resolve' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Inventory source: a file, a directory, an executable script, or a host list `a,b,` (repeatable; default from ANSIBLE_INVENTORY, ansible.cfg `inventory`, /etc/ansible/hosts)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory source: a file, a directory, an executable script, or a host list `a,b,` (repeatable; default from ANSIBLE_INVENTORY, ansible.cfg `inventory`, /etc/ansible/hosts)')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Extra variables: `key=value` words, JSON/YAML text, or `@FILE` (repeatable, later wins)')
            [CompletionResult]::new('--extra-vars', '--extra-vars', [CompletionResultType]::ParameterName, 'Extra variables: `key=value` words, JSON/YAML text, or `@FILE` (repeatable, later wins)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Connect as this user (host variables win, as in Ansible)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Connect as this user (host variables win, as in Ansible)')
            [CompletionResult]::new('--become-method', '--become-method', [CompletionResultType]::ParameterName, 'Privilege escalation method (sudo, su, doas …)')
            [CompletionResult]::new('--become-user', '--become-user', [CompletionResultType]::ParameterName, 'Become this user')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Connection type (ssh, local, docker …)')
            [CompletionResult]::new('--connection', '--connection', [CompletionResultType]::ParameterName, 'Connection type (ssh, local, docker …)')
            [CompletionResult]::new('--private-key', '--private-key', [CompletionResultType]::ParameterName, 'Private key file for ssh connections')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Private key file for ssh connections')
            [CompletionResult]::new('-T', '-T ', [CompletionResultType]::ParameterName, 'Connection timeout in seconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Connection timeout in seconds')
            [CompletionResult]::new('--ssh-common-args', '--ssh-common-args', [CompletionResultType]::ParameterName, 'Arguments added to every ssh, sftp and scp command line')
            [CompletionResult]::new('--ssh-extra-args', '--ssh-extra-args', [CompletionResultType]::ParameterName, 'Arguments added to ssh command lines only')
            [CompletionResult]::new('--connection-password-file', '--connection-password-file', [CompletionResultType]::ParameterName, 'Read the connection password from this file''s first line')
            [CompletionResult]::new('--conn-pass-file', '--conn-pass-file', [CompletionResultType]::ParameterName, 'Read the connection password from this file''s first line')
            [CompletionResult]::new('--become-password-file', '--become-password-file', [CompletionResultType]::ParameterName, 'Read the become password from this file''s first line')
            [CompletionResult]::new('--become-pass-file', '--become-pass-file', [CompletionResultType]::ParameterName, 'Read the become password from this file''s first line')
            [CompletionResult]::new('--playbook-dir', '--playbook-dir', [CompletionResultType]::ParameterName, 'The playbook directory: its group_vars/ and host_vars/ apply (default: the current directory)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to style table output: auto (a terminal and NO_COLOR unset), always, never')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Further limit the selected hosts with a pattern (`@FILE` reads patterns from a file)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Further limit the selected hosts with a pattern (`@FILE` reads patterns from a file)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show passwords instead of ********')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Run operations with become')
            [CompletionResult]::new('--become', '--become', [CompletionResultType]::ParameterName, 'Run operations with become')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Ask for the connection password (terminal only)')
            [CompletionResult]::new('--ask-pass', '--ask-pass', [CompletionResultType]::ParameterName, 'Ask for the connection password (terminal only)')
            [CompletionResult]::new('-K', '-K ', [CompletionResultType]::ParameterName, 'Ask for the become password (terminal only)')
            [CompletionResult]::new('--ask-become-pass', '--ask-become-pass', [CompletionResultType]::ParameterName, 'Ask for the become password (terminal only)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More output (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More output (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'stackctl;graph' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Inventory source: a file, a directory, an executable script, or a host list `a,b,` (repeatable; default from ANSIBLE_INVENTORY, ansible.cfg `inventory`, /etc/ansible/hosts)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory source: a file, a directory, an executable script, or a host list `a,b,` (repeatable; default from ANSIBLE_INVENTORY, ansible.cfg `inventory`, /etc/ansible/hosts)')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Extra variables: `key=value` words, JSON/YAML text, or `@FILE` (repeatable, later wins)')
            [CompletionResult]::new('--extra-vars', '--extra-vars', [CompletionResultType]::ParameterName, 'Extra variables: `key=value` words, JSON/YAML text, or `@FILE` (repeatable, later wins)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Connect as this user (host variables win, as in Ansible)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Connect as this user (host variables win, as in Ansible)')
            [CompletionResult]::new('--become-method', '--become-method', [CompletionResultType]::ParameterName, 'Privilege escalation method (sudo, su, doas …)')
            [CompletionResult]::new('--become-user', '--become-user', [CompletionResultType]::ParameterName, 'Become this user')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Connection type (ssh, local, docker …)')
            [CompletionResult]::new('--connection', '--connection', [CompletionResultType]::ParameterName, 'Connection type (ssh, local, docker …)')
            [CompletionResult]::new('--private-key', '--private-key', [CompletionResultType]::ParameterName, 'Private key file for ssh connections')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Private key file for ssh connections')
            [CompletionResult]::new('-T', '-T ', [CompletionResultType]::ParameterName, 'Connection timeout in seconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Connection timeout in seconds')
            [CompletionResult]::new('--ssh-common-args', '--ssh-common-args', [CompletionResultType]::ParameterName, 'Arguments added to every ssh, sftp and scp command line')
            [CompletionResult]::new('--ssh-extra-args', '--ssh-extra-args', [CompletionResultType]::ParameterName, 'Arguments added to ssh command lines only')
            [CompletionResult]::new('--connection-password-file', '--connection-password-file', [CompletionResultType]::ParameterName, 'Read the connection password from this file''s first line')
            [CompletionResult]::new('--conn-pass-file', '--conn-pass-file', [CompletionResultType]::ParameterName, 'Read the connection password from this file''s first line')
            [CompletionResult]::new('--become-password-file', '--become-password-file', [CompletionResultType]::ParameterName, 'Read the become password from this file''s first line')
            [CompletionResult]::new('--become-pass-file', '--become-pass-file', [CompletionResultType]::ParameterName, 'Read the become password from this file''s first line')
            [CompletionResult]::new('--playbook-dir', '--playbook-dir', [CompletionResultType]::ParameterName, 'The playbook directory: its group_vars/ and host_vars/ apply (default: the current directory)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to style table output: auto (a terminal and NO_COLOR unset), always, never')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Further limit the selected hosts with a pattern (`@FILE` reads patterns from a file)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Further limit the selected hosts with a pattern (`@FILE` reads patterns from a file)')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Run operations with become')
            [CompletionResult]::new('--become', '--become', [CompletionResultType]::ParameterName, 'Run operations with become')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Ask for the connection password (terminal only)')
            [CompletionResult]::new('--ask-pass', '--ask-pass', [CompletionResultType]::ParameterName, 'Ask for the connection password (terminal only)')
            [CompletionResult]::new('-K', '-K ', [CompletionResultType]::ParameterName, 'Ask for the become password (terminal only)')
            [CompletionResult]::new('--ask-become-pass', '--ask-become-pass', [CompletionResultType]::ParameterName, 'Ask for the become password (terminal only)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More output (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More output (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'stackctl;ssh-config' {
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Inventory source: a file, a directory, an executable script, or a host list `a,b,` (repeatable; default from ANSIBLE_INVENTORY, ansible.cfg `inventory`, /etc/ansible/hosts)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Inventory source: a file, a directory, an executable script, or a host list `a,b,` (repeatable; default from ANSIBLE_INVENTORY, ansible.cfg `inventory`, /etc/ansible/hosts)')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Extra variables: `key=value` words, JSON/YAML text, or `@FILE` (repeatable, later wins)')
            [CompletionResult]::new('--extra-vars', '--extra-vars', [CompletionResultType]::ParameterName, 'Extra variables: `key=value` words, JSON/YAML text, or `@FILE` (repeatable, later wins)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Connect as this user (host variables win, as in Ansible)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Connect as this user (host variables win, as in Ansible)')
            [CompletionResult]::new('--become-method', '--become-method', [CompletionResultType]::ParameterName, 'Privilege escalation method (sudo, su, doas …)')
            [CompletionResult]::new('--become-user', '--become-user', [CompletionResultType]::ParameterName, 'Become this user')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Connection type (ssh, local, docker …)')
            [CompletionResult]::new('--connection', '--connection', [CompletionResultType]::ParameterName, 'Connection type (ssh, local, docker …)')
            [CompletionResult]::new('--private-key', '--private-key', [CompletionResultType]::ParameterName, 'Private key file for ssh connections')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Private key file for ssh connections')
            [CompletionResult]::new('-T', '-T ', [CompletionResultType]::ParameterName, 'Connection timeout in seconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Connection timeout in seconds')
            [CompletionResult]::new('--ssh-common-args', '--ssh-common-args', [CompletionResultType]::ParameterName, 'Arguments added to every ssh, sftp and scp command line')
            [CompletionResult]::new('--ssh-extra-args', '--ssh-extra-args', [CompletionResultType]::ParameterName, 'Arguments added to ssh command lines only')
            [CompletionResult]::new('--connection-password-file', '--connection-password-file', [CompletionResultType]::ParameterName, 'Read the connection password from this file''s first line')
            [CompletionResult]::new('--conn-pass-file', '--conn-pass-file', [CompletionResultType]::ParameterName, 'Read the connection password from this file''s first line')
            [CompletionResult]::new('--become-password-file', '--become-password-file', [CompletionResultType]::ParameterName, 'Read the become password from this file''s first line')
            [CompletionResult]::new('--become-pass-file', '--become-pass-file', [CompletionResultType]::ParameterName, 'Read the become password from this file''s first line')
            [CompletionResult]::new('--playbook-dir', '--playbook-dir', [CompletionResultType]::ParameterName, 'The playbook directory: its group_vars/ and host_vars/ apply (default: the current directory)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to style table output: auto (a terminal and NO_COLOR unset), always, never')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Further limit the selected hosts with a pattern (`@FILE` reads patterns from a file)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Further limit the selected hosts with a pattern (`@FILE` reads patterns from a file)')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Run operations with become')
            [CompletionResult]::new('--become', '--become', [CompletionResultType]::ParameterName, 'Run operations with become')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Ask for the connection password (terminal only)')
            [CompletionResult]::new('--ask-pass', '--ask-pass', [CompletionResultType]::ParameterName, 'Ask for the connection password (terminal only)')
            [CompletionResult]::new('-K', '-K ', [CompletionResultType]::ParameterName, 'Ask for the become password (terminal only)')
            [CompletionResult]::new('--ask-become-pass', '--ask-become-pass', [CompletionResultType]::ParameterName, 'Ask for the become password (terminal only)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More output (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More output (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'stackctl;help' {
            [CompletionResult]::new('inventory', 'inventory', [CompletionResultType]::ParameterValue, 'Show the inventory as ansible-inventory does (--list, --host, --graph)')
            [CompletionResult]::new('hosts', 'hosts', [CompletionResultType]::ParameterValue, 'List the hosts a pattern selects, one per line, in Ansible''s order')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show a host''s connection config dict (Ansible-named keys)')
            [CompletionResult]::new('resolve', 'resolve', [CompletionResultType]::ParameterValue, 'Show the connection stack (hops) that reaches a host')
            [CompletionResult]::new('graph', 'graph', [CompletionResultType]::ParameterValue, 'Draw the connection tree of the selected hosts: which bastions and become accounts serve which targets')
            [CompletionResult]::new('ssh-config', 'ssh-config', [CompletionResultType]::ParameterValue, 'Write an OpenSSH client config (Host blocks with ProxyJump) for hosts reached by ssh only')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'stackctl;help;inventory' {
            break
        }
        'stackctl;help;hosts' {
            break
        }
        'stackctl;help;config' {
            break
        }
        'stackctl;help;resolve' {
            break
        }
        'stackctl;help;graph' {
            break
        }
        'stackctl;help;ssh-config' {
            break
        }
        'stackctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
