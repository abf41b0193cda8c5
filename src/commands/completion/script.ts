import { InputError } from '../../lib/errors.js';

/** The commands and their flags, as the completion scripts need them. */
export interface CompletionModel {
  commands: Array<{ name: string; flags: string[] }>;
  globalFlags: string[];
}

const SHELLS = ['bash', 'zsh', 'fish'] as const;

function bash(model: CompletionModel): string {
  const cases = model.commands.map((c) => `    ${c.name}) flags="${c.flags.join(' ')}" ;;`).join('\n');
  return `# scim-setup completion for bash: eval "$(scim-setup completion bash)", or save it under
# /etc/bash_completion.d/ (or ~/.local/share/bash-completion/completions/scim-setup).
_scim_setup() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" command="" word flags
  for word in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case "$word" in -*) ;; *) command="$word"; break ;; esac
  done
  if [ -z "$command" ]; then
    COMPREPLY=( $(compgen -W "${model.commands.map((c) => c.name).join(' ')} ${model.globalFlags.join(' ')}" -- "$cur") )
    return
  fi
  case "$command" in
${cases}
    *) flags="" ;;
  esac
  COMPREPLY=( $(compgen -W "$flags" -- "$cur") )
}
complete -o default -F _scim_setup scim-setup
`;
}

function zsh(model: CompletionModel): string {
  const cases = model.commands.map((c) => `    ${c.name}) compadd -- ${c.flags.join(' ')} ;;`).join('\n');
  return `#compdef scim-setup
# scim-setup completion for zsh: scim-setup completion zsh > "\${fpath[1]}/_scim-setup"
_scim_setup() {
  if (( CURRENT == 2 )); then
    compadd -- ${model.commands.map((c) => c.name).join(' ')} ${model.globalFlags.join(' ')}
    return
  fi
  case "$words[2]" in
${cases}
  esac
}
compdef _scim_setup scim-setup
`;
}

function fish(model: CompletionModel): string {
  const lines = ['# scim-setup completion for fish: scim-setup completion fish > ~/.config/fish/completions/scim-setup.fish', 'complete -c scim-setup -f'];
  const names = model.commands.map((c) => c.name).join(' ');
  for (const c of model.commands) lines.push(`complete -c scim-setup -n "not __fish_seen_subcommand_from ${names}" -a ${c.name}`);
  for (const c of model.commands) {
    for (const flag of c.flags.filter((f) => f.startsWith('--')))
      lines.push(`complete -c scim-setup -n "__fish_seen_subcommand_from ${c.name}" -l ${flag.slice(2)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Pure: the completion script for a shell; another shell name is an input error naming the ones there are. */
export function completionScript(shell: string, model: CompletionModel): string {
  const known = SHELLS.find((s) => s === shell);
  if (!known) throw new InputError(`No completion for shell "${shell}".`, `Use one of: ${SHELLS.join(', ')}.`);
  return { bash, zsh, fish }[known](model);
}
