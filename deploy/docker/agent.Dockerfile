# Builds the lean agent image (Native AOT, no .NET runtime in the image) from the repository root:
#   docker build -f deploy/docker/agent.Dockerfile .
# Not built by CI or on the development machine (no Docker there): the publish line is the one that
# docs/benchmarks.md measured, the rest is untested. For arm64 nodes pass --build-arg RID=linux-arm64
# and build on arm64 (Native AOT does not cross-compile between architectures here).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG RID=linux-x64
# Native AOT links with clang and zlib.
RUN apt-get update && apt-get install -y --no-install-recommends clang zlib1g-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN dotnet publish agent/GitOpsFleet.Agent -c Release -r $RID -p:PublishAot=true --artifacts-path /artifacts \
 && cp /artifacts/publish/GitOpsFleet.Agent/release_$RID/gitopsfleet-agent /gitopsfleet-agent

# runtime-deps: only the native libraries a .NET program needs (libc, OpenSSL, CA certificates).
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0
COPY --from=build /gitopsfleet-agent /usr/local/bin/gitopsfleet-agent
USER 65532
ENTRYPOINT ["gitopsfleet-agent"]
