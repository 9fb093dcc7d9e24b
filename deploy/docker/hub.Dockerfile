# Builds the hub image from the repository root:  docker build -f deploy/docker/hub.Dockerfile .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish hub/GitOpsFleet.Hub -c Release -o /out

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /out .
VOLUME /data
EXPOSE 8080 8081
ENTRYPOINT ["dotnet", "GitOpsFleet.Hub.dll", "--data-dir", "/data"]
