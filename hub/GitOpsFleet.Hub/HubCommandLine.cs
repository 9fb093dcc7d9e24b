namespace GitOpsFleet.Hub;

/// <summary>Parses the hub's flags: --http-port, --grpc-port, --data-dir, --listen, --admin-token-file, --demo, --redis, --silo-port, --gateway-port, --cluster-id, --service-id, --tls-cert, --tls-key.</summary>
public static class HubCommandLine
{
    public static HubOptions Parse(IReadOnlyList<string> args)
    {
        var options = new HubOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value");
            switch (arg)
            {
                case "--http-port": options.HttpPort = ParsePort(arg, Value()); break;
                case "--grpc-port": options.GrpcPort = ParsePort(arg, Value()); break;
                case "--data-dir": options.DataDirectory = Value(); break;
                case "--listen": options.ListenAddress = Value(); break;
                case "--admin-token-file": options.AdminTokenFile = Value(); break;
                case "--demo": options.Demo = true; break;
                case "--redis": options.Redis = Value(); break;
                case "--silo-port": options.SiloPort = ParsePort(arg, Value()); break;
                case "--gateway-port": options.GatewayPort = ParsePort(arg, Value()); break;
                case "--cluster-id": options.ClusterId = Value(); break;
                case "--service-id": options.ServiceId = Value(); break;
                case "--tls-cert": options.TlsCertificatePath = Value(); break;
                case "--tls-key": options.TlsKeyPath = Value(); break;
                default:
                    throw new ArgumentException($"unknown flag {arg}; the hub takes --http-port, --grpc-port, --data-dir, --listen, --admin-token-file, --demo, --redis, --silo-port, --gateway-port, --cluster-id, --service-id, --tls-cert, --tls-key");
            }
        }
        options.Validate();
        return options;
    }

    private static int ParsePort(string flag, string value) =>
        int.TryParse(value, out var port) ? port : throw new ArgumentException($"{flag} '{value}' is not a port number");
}
