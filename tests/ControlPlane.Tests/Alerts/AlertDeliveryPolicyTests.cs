using Microsoft.Extensions.Time.Testing;
using Vigil.ControlPlane.Alerts.Channels;
using Vigil.ControlPlane.Alerts.Delivery;

namespace Vigil.ControlPlane.Tests.Alerts;

public sealed class AlertDeliveryPolicyTests
{
    private static readonly AlertDeliveryOptions Options = new()
    {
        MaxAttempts = 5,
        FirstRetryDelay = TimeSpan.FromSeconds(30),
        MaxRetryDelay = TimeSpan.FromMinutes(5),
    };

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_message_the_receiver_took_is_sent_at_that_moment()
    {
        var decision = AlertDeliveryPolicy.Decide(Sent.Instance, 1, _time.GetUtcNow(), Options);

        Assert.Equal(new MarkSent(_time.GetUtcNow()), decision);
    }

    [Fact]
    public void Failed_attempts_are_retried_after_a_wait_that_doubles_up_to_the_longest_wait()
    {
        var waits = new List<TimeSpan>();
        for (var attempts = 1; attempts < Options.MaxAttempts; attempts++)
        {
            var now = _time.GetUtcNow();
            var retry = Assert.IsType<RetryAt>(AlertDeliveryPolicy.Decide(new HttpRefused(503, "busy"), attempts, now, Options));
            waits.Add(retry.At - now);
            _time.Advance(retry.At - now);
        }

        Assert.Equal([TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4)], waits);
        Assert.Equal(TimeSpan.FromMinutes(5), AlertDeliveryPolicy.Backoff(6, Options.FirstRetryDelay, Options.MaxRetryDelay));
        Assert.Equal(TimeSpan.FromMinutes(5), AlertDeliveryPolicy.Backoff(1_000, Options.FirstRetryDelay, Options.MaxRetryDelay));
    }

    [Fact]
    public void The_last_allowed_attempt_failing_marks_the_delivery_failed_with_its_error()
    {
        var failed = Assert.IsType<MarkFailed>(AlertDeliveryPolicy.Decide(new TimedOut(TimeSpan.FromSeconds(30)), Options.MaxAttempts, _time.GetUtcNow(), Options));

        Assert.Equal("the receiver did not answer within 00:00:30 (gave up after 5 attempts)", failed.Error);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(308)]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(410)]
    [InlineData(422)]
    public void A_client_error_or_a_redirect_fails_at_once_because_sending_it_again_would_be_refused_again(int status)
    {
        var failed = Assert.IsType<MarkFailed>(AlertDeliveryPolicy.Decide(new HttpRefused(status, "no"), 1, _time.GetUtcNow(), Options));

        Assert.Equal($"the receiver answered HTTP {status}: no", failed.Error);
    }

    [Theory]
    [InlineData(408)]
    [InlineData(425)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public void Timeouts_rate_limits_and_server_errors_are_retried(int status) =>
        Assert.IsType<RetryAt>(AlertDeliveryPolicy.Decide(new HttpRefused(status, "later"), 1, _time.GetUtcNow(), Options));

    [Fact]
    public void A_rate_limited_receiver_is_not_tried_before_its_retry_after_nor_later_than_the_longest_wait()
    {
        var now = _time.GetUtcNow();

        var asked = AlertDeliveryPolicy.Decide(new HttpRefused(429, "slow down", TimeSpan.FromMinutes(2)), 1, now, Options);
        var capped = AlertDeliveryPolicy.Decide(new HttpRefused(429, "slow down", TimeSpan.FromHours(1)), 1, now, Options);
        var shorter = AlertDeliveryPolicy.Decide(new HttpRefused(429, "slow down", TimeSpan.FromSeconds(1)), 1, now, Options);

        Assert.Equal(now + TimeSpan.FromMinutes(2), Assert.IsType<RetryAt>(asked).At);
        Assert.Equal(now + TimeSpan.FromMinutes(5), Assert.IsType<RetryAt>(capped).At);
        Assert.Equal(now + TimeSpan.FromSeconds(30), Assert.IsType<RetryAt>(shorter).At);
    }

    [Fact]
    public void A_robot_error_code_fails_at_once_unless_it_is_a_rate_limit()
    {
        var now = _time.GetUtcNow();

        Assert.IsType<MarkFailed>(AlertDeliveryPolicy.Decide(new ReceiverRefused("310000", "sign not match", RateLimited: false), 1, now, Options));
        Assert.IsType<RetryAt>(AlertDeliveryPolicy.Decide(new ReceiverRefused("45009", "api freq out of limit", RateLimited: true), 1, now, Options));
    }

    [Fact]
    public void An_smtp_server_refusing_for_good_fails_at_once_and_a_temporary_refusal_is_retried()
    {
        var now = _time.GetUtcNow();

        Assert.IsType<MarkFailed>(AlertDeliveryPolicy.Decide(new SmtpRefused(550, "mailbox unavailable"), 1, now, Options));
        Assert.IsType<RetryAt>(AlertDeliveryPolicy.Decide(new SmtpRefused(451, "try again later"), 1, now, Options));
    }

    [Fact]
    public void Unreachable_receivers_and_timeouts_are_retried_but_a_misconfigured_channel_is_not()
    {
        var now = _time.GetUtcNow();

        Assert.IsType<RetryAt>(AlertDeliveryPolicy.Decide(new Unreachable("connection refused"), 1, now, Options));
        Assert.IsType<RetryAt>(AlertDeliveryPolicy.Decide(new TimedOut(TimeSpan.FromSeconds(30)), 1, now, Options));
        Assert.Equal(
            new MarkFailed("the channel cannot send: no URL is set"),
            AlertDeliveryPolicy.Decide(new Misconfigured("no URL is set"), 1, now, Options));
    }

    [Fact]
    public void A_job_holds_its_delivery_for_the_attempt_s_timeout_and_the_time_to_record_it()
    {
        var options = new AlertDeliveryOptions { Timeout = TimeSpan.FromSeconds(30) };

        Assert.Equal(_time.GetUtcNow().AddSeconds(40), AlertDeliveryPolicy.HeldUntil(_time.GetUtcNow(), options));
    }

    [Fact]
    public void A_delivery_overdue_by_a_whole_sweep_interval_counts_as_one_without_a_job()
    {
        var options = new AlertDeliveryOptions { SweepInterval = TimeSpan.FromMinutes(1) };

        Assert.Equal(_time.GetUtcNow().AddMinutes(-1), AlertDeliveryPolicy.OverdueBefore(_time.GetUtcNow(), options));
        Assert.Contains(new AlertDeliveryOptions { SweepInterval = TimeSpan.Zero }.Problems("Alerts:Delivery"), p => p.Contains("SweepInterval", StringComparison.Ordinal));
    }
}
