namespace Vigil.ControlPlane.Events;

public static class EventsSetup
{
    /// <summary>Storage and live feed of the events agents report.</summary>
    public static IHostApplicationBuilder AddEvents(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<NewEventsFeed>();
        builder.Services.AddSingleton<EventStore>();
        return builder;
    }
}
