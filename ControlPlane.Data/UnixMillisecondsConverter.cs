using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Vigil.ControlPlane.Data;

/// <summary>Stores an instant as milliseconds since 1970-01-01 UTC: sortable, and readable in SQL.</summary>
public sealed class UnixMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.ToUnixTimeMilliseconds(),
    stored => DateTimeOffset.FromUnixTimeMilliseconds(stored));
