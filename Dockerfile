# FollowUp container image: the worker (entrypoint), the web face (FollowUp.Web.dll) and the admin tool (followup-admin) in /app, with the SQL
# migrations in /app/migrations (the worker applies them at start-up).
#
#   docker build -t followup:local .
#   docker run --rm -e FollowUp__Database__ConnectionString=... -e FollowUp__Clinic__TokenKey=... followup:local
#   docker run --rm --entrypoint dotnet followup:local /app/followup-admin.dll --help
# Usually run through docker-compose.yml (services worker and admin).

# ---------------------------------------------------------------- build
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Restore first, from the project files only, so the package layer is cached until a dependency changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig* ./
COPY src/FollowUp/FollowUp.csproj src/FollowUp/
COPY src/FollowUp.Worker/FollowUp.Worker.csproj src/FollowUp.Worker/
COPY src/FollowUp.Cli/FollowUp.Cli.csproj src/FollowUp.Cli/
COPY src/FollowUp.Web/FollowUp.Web.csproj src/FollowUp.Web/
RUN dotnet restore src/FollowUp.Worker/FollowUp.Worker.csproj \
 && dotnet restore src/FollowUp.Cli/FollowUp.Cli.csproj \
 && dotnet restore src/FollowUp.Web/FollowUp.Web.csproj

COPY src/ src/
RUN dotnet publish src/FollowUp.Worker/FollowUp.Worker.csproj -c Release --no-restore -o /app -p:UseAppHost=false \
 && dotnet publish src/FollowUp.Cli/FollowUp.Cli.csproj -c Release --no-restore -o /app -p:UseAppHost=false \
 && dotnet publish src/FollowUp.Web/FollowUp.Web.csproj -c Release --no-restore -o /app -p:UseAppHost=false

# ---------------------------------------------------------------- runtime
# The ASP.NET Core runtime (the web face needs it; it includes the .NET runtime the worker and the tool run on).
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1 \
    DOTNET_ENVIRONMENT=Production
COPY --from=build /app/ /app/
COPY migrations/ /app/migrations/
# The .NET images ship a non-root user 'app' (uid/gid $APP_UID = 1654).
USER $APP_UID
# The worker reads appsettings.json from its working directory (/app); every setting can be overridden with
# FollowUp__Section__Key environment variables (see docker-compose.yml).
ENTRYPOINT ["dotnet", "/app/FollowUp.Worker.dll"]
