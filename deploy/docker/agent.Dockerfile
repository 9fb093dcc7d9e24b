# Builds the agent image from the repository root:  docker build -f deploy/docker/agent.Dockerfile .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish agent/GitOpsFleet.Agent -c Release -o /out

FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /app
COPY --from=build /out .
USER 65532
ENTRYPOINT ["dotnet", "GitOpsFleet.Agent.dll"]
