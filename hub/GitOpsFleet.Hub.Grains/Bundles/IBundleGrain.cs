namespace GitOpsFleet.Hub.Grains;

/// <summary>One compressed bundle (key: its content hash), stored once and shared by every cluster.</summary>
public interface IBundleGrain : IGrainWithStringKey
{
    Task StoreAsync(byte[] compressed);

    Task<byte[]?> GetAsync();
}
