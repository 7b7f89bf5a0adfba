using System.CommandLine;
using FollowUp.Cli;
using FollowUp.Cli.Commands;

var root = new RootCommand("followup-admin: enrol massage courses for follow-up and see what FollowUp did.")
{
    CliContext.Verbose,
    CliContext.ConnectionString,
    CliContext.Now,
    DbCommands.Build(),
    CourseCommands.Build(),
    ScheduleCommands.Build(),
    SendCommands.Build(),
    AlertCommands.Build(),
    TherapistCommands.Build(),
    AuditCommands.Build(),
    ConfigCommands.Build(),
    StatusCommand.Build(),
    SimulateCommands.Build(),
    ReportCommands.Build(),
    ExportCommand.Build(),
    ReplyCommands.Build(),
};
return await CliContext.RunAsync(root, args);
