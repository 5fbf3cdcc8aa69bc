using KeyGrains.Cli;

return await KgCommand.Build().Parse(args).InvokeAsync();
