using FollowUp;
using FollowUp.Web;

var app = WebFace.Build(args);
// A wrong setting stops the web face with the key and the reason, before it listens, as it stops the worker.
var problems = FollowUpServices.SettingProblems(app.Services);
foreach (var problem in problems) Console.Error.WriteLine($"followup-web: configuration error: {problem}");
if (problems.Count > 0) return 2;
FollowUpServices.LogSettingWarnings(app.Services);
await app.RunAsync();
return 0;
