using System;
using System.IO;
using System.Threading;
using MeetEngage.Throttling;
using Xunit;

namespace MeetEngage.Tests;

public sealed class MachineBudgetTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("meetengage-budget-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private MachineBudget NewBudget(int processId) =>
        new("ratelimit-test.ledger", () => new LedgerFolder(_folder, null), processId);

    [Fact]
    public void A_wait_caused_by_another_process_names_it()
    {
        var clock = new FakeClock();
        var first = NewBudget(101);
        var second = NewBudget(202);
        for (var i = 0; i < 10; i++)
        {
            var free = first.Reserve(clock, CancellationToken.None);
            Assert.Equal(TimeSpan.Zero, free.Delay);
            Assert.Null(free.OtherProcessId);
        }

        var wait = second.Reserve(clock, CancellationToken.None);

        Assert.Equal(KeyRateLimiters.Window + KeyRateLimiters.Guard, wait.Delay);
        Assert.Equal(101, wait.OtherProcessId);
        Assert.Null(wait.Notice);
    }

    [Fact]
    public void A_folder_that_cannot_be_used_is_said_once_and_then_costs_nothing()
    {
        var prepared = 0;
        var budget = new MachineBudget("ratelimit-test.ledger", () =>
        {
            prepared++;
            return new LedgerFolder(null, "the folder is read-only");
        });

        var first = budget.Reserve(new FakeClock(), CancellationToken.None);
        var second = budget.Reserve(new FakeClock(), CancellationToken.None);

        Assert.Equal(TimeSpan.Zero, first.Delay);
        Assert.Contains("for this process only, not machine-wide: the folder is read-only", first.Notice, StringComparison.Ordinal);
        Assert.Equal(MachineWait.None, second);
        Assert.Equal(1, prepared);
    }

    [Fact]
    public void A_rebuilt_ledger_is_said_and_counts_the_window_as_full()
    {
        File.WriteAllText(Path.Combine(_folder, "ratelimit-test.ledger"), "garbage");

        var wait = NewBudget(1).Reserve(new FakeClock(), CancellationToken.None);

        Assert.Contains("rebuilt", wait.Notice, StringComparison.Ordinal);
        Assert.Equal(KeyRateLimiters.Window + KeyRateLimiters.Guard, wait.Delay);
    }

    [Fact]
    public void The_ledger_file_is_named_by_a_hash_and_holds_neither_key_nor_server()
    {
        var name = ApiKeyBudget.Name(new Uri("https://Example.COM/api/1.0/rest"), "secret-looking-key-id");
        var fileName = ApiKeyBudget.LedgerFileName(name);
        var budget = new MachineBudget(fileName, () => new LedgerFolder(_folder, null), 1);

        budget.Reserve(new FakeClock(), CancellationToken.None);

        Assert.Matches("^ratelimit-[0-9a-f]{32}\\.ledger$", fileName);
        Assert.Equal("https://example.com:443\nsecret-looking-key-id", name);
        var bytes = File.ReadAllText(Path.Combine(_folder, fileName), System.Text.Encoding.Latin1);
        Assert.DoesNotContain("secret-looking", bytes, StringComparison.Ordinal);
        Assert.DoesNotContain("example", bytes, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_at_two_servers_are_two_budgets()
    {
        Assert.NotEqual(
            ApiKeyBudget.LedgerFileName(ApiKeyBudget.Name(new Uri("http://127.0.0.1:5001/api"), "k")),
            ApiKeyBudget.LedgerFileName(ApiKeyBudget.Name(new Uri("http://127.0.0.1:5002/api"), "k")));
        Assert.NotSame(
            KeyRateLimiters.For(ApiKeyBudget.Name(new Uri("http://127.0.0.1:5001/api"), "k")),
            KeyRateLimiters.For(ApiKeyBudget.Name(new Uri("http://127.0.0.1:5002/api"), "k")));
    }
}
