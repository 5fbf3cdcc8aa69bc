namespace KeyGrains.Hosting;

/// <summary>
/// Failure-detection figures for a multi-node cluster, from <c>Orleans:Tuning</c>. Orleans' defaults
/// keep calls to a SIGKILLed silo waiting the full 30 s response timeout and notice the death
/// after 11-13 s; these let the grains serve again from another silo within a few seconds.
/// </summary>
public sealed class ClusterTuningOptions
{
    public const string SectionName = "Orleans:Tuning";

    /// <summary>How long a grain call waits for an answer (silo and client).</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(3);

    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Without it Orleans holds the adaptive probe timeout at half its own default or more.</summary>
    public TimeSpan MinProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    public int NumMissedProbesLimit { get; set; } = 2;

    public TimeSpan IAmAliveTablePublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan TableRefreshTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Orleans (default on) withholds a death vote while the suspect's connection carried a message
    /// within the last 8 s. A host that froze or vanished without a connection reset then stays
    /// Active for that long, and calls routed to it fail: off, a SIGSTOPped silo's keys answer again
    /// in ~3.5 s instead of ~10 s. The cost is that a silo stalled for over two probe timeouts (a
    /// long GC pause, a starved machine) can be declared dead and restart: availability, never data.
    /// </summary>
    public bool EnableConnectionLivenessCheck { get; set; }

    /// <summary>
    /// How often a client re-reads the gateway list from the membership table. A gateway that
    /// vanished without a reset is dropped only then, so this is part of a frozen host's failover
    /// time; one small query per client per period.
    /// </summary>
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long an idle grain stays activated (Orleans' own default when unset, 15 minutes). Hot keys
    /// are answered from nodes' copies and look idle to their grains, which is harmless: a copy does
    /// not depend on its grain's activation. Tests shorten it to show that.
    /// </summary>
    public TimeSpan? CollectionAge { get; set; }

    /// <summary>
    /// How long an idle key grain stays activated, when it should differ from <see cref="CollectionAge"/>.
    /// A key's grain is called to change the key and to hand its copy to a node, not to verify it, so
    /// a node serving many keys can let their grains go early while the organizations' grains (read
    /// for every listing and told every minute of their keys' last use) stay.
    /// </summary>
    public TimeSpan? KeyCollectionAge { get; set; }
}
