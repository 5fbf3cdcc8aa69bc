using System.CommandLine;

namespace KeyGrains.Cli;

/// <summary>
/// <c>kg completion bash|zsh</c>: a script that asks <c>kg</c> itself for completions through
/// System.CommandLine's <c>[suggest]</c> directive, so they always match this build's commands.
/// Install: <c>source &lt;(kg completion bash)</c> in ~/.bashrc, or <c>source &lt;(kg completion zsh)</c> in ~/.zshrc.
/// </summary>
public static class CompletionCommand
{
    private const string Bash = """
        _kg_complete() {
          local IFS=$'\n'
          COMPREPLY=( $("${COMP_WORDS[0]}" "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null) )
        }
        complete -o default -F _kg_complete kg
        """;

    private const string Zsh = """
        _kg_complete() {
          local -a candidates
          candidates=("${(@f)$(${words[1]} "[suggest:${#BUFFER}]" "${BUFFER}" 2>/dev/null)}")
          compadd -- $candidates
        }
        compdef _kg_complete kg
        """;

    public static Command Build()
    {
        var shell = new Argument<string>("shell") { Description = "bash or zsh" };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var completion = new Command("completion", "Print a shell completion script: source <(kg completion bash)") { Arguments = { shell } };
        completion.SetAction(parse =>
        {
            Console.Out.WriteLine(parse.GetValue(shell) == "zsh" ? Zsh : Bash);
            return KgCommand.Ok;
        });
        return completion;
    }
}
