using Vigil.Shared.Messages;
using Vigil.Shared.Validation;

namespace Vigil.Agent.Metrics;

/// <summary>Free space of the host's fixed volumes, from the portable DriveInfo API.</summary>
public static class VolumeReader
{
    public static IReadOnlyList<VolumeReport> Read()
    {
        var volumes = new List<VolumeReport>();
        foreach (var drive in DriveInfo.GetDrives())
        {
            try
            {
                if (drive is { DriveType: DriveType.Fixed, IsReady: true } && drive.TotalSize > 0 && volumes.Count < MessageLimits.VolumeCountMax)
                {
                    var name = drive.Name.Length <= MessageLimits.VolumeNameMaxLength ? drive.Name : drive.Name[..MessageLimits.VolumeNameMaxLength];
                    volumes.Add(new VolumeReport { Name = name, TotalBytes = drive.TotalSize, FreeBytes = Math.Min(drive.AvailableFreeSpace, drive.TotalSize) });
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // A volume that cannot be read (being unmounted, no access) is left out.
            }
        }

        return volumes;
    }
}
