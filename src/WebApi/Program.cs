using KeyGrains.WebApi.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddKeyGrainsWebApi();

var app = builder.Build();
app.MapKeyGrainsWebApi();

return await app.RunKeyGrainsAsync();
