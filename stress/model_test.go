package stress_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xbeam/xbeam/stress"
)

// Hand-written histories with known verdicts pin down the porcupine models
// (seq returns sequential, non-overlapping operations of one client).
func seq(ops ...stress.Op) []stress.Op {
	for i := range ops {
		if ops[i].Call == 0 {
			ops[i].Call, ops[i].Return = int64(2*i+1), int64(2*i+2)
		}
	}
	return ops
}

func TestQueueModelVerdicts(t *testing.T) {
	push := func(v uint64, ok bool) stress.Op { return stress.Op{Kind: "TryPush", V: v, OK: ok} }
	pop := func(v uint64, ok bool) stress.Op { return stress.Op{Kind: "TryPop", V: v, OK: ok} }
	cases := []struct {
		name     string
		capacity int
		relaxed  bool
		ops      []stress.Op
		want     bool
	}{
		{"fifo", 0, false, seq(push(1, true), push(2, true), pop(1, true), pop(2, true), pop(0, false)), true},
		{"lifo", 0, false, seq(push(1, true), push(2, true), pop(2, true)), false},
		{"empty while not", 0, false, seq(push(1, true), pop(0, false)), false},
		{"invented", 0, false, seq(pop(7, true)), false},
		{"duplicate", 0, false, seq(push(1, true), pop(1, true), pop(1, true)), false},
		{"full at capacity", 2, false, seq(push(1, true), push(2, true), push(3, false)), true},
		{"full too early", 2, false, seq(push(1, true), push(2, false)), false},
		{"over capacity", 1, false, seq(push(1, true), push(2, true)), false},
		{"unbounded never full", 0, false, seq(push(1, false)), false},
		{"relaxed: no overlap, still illegal", 2, true, seq(push(1, true), push(2, false)), false},
		{"concurrent pops may linearize either way", 0, false, []stress.Op{
			{Client: 0, Call: 1, Return: 2, Kind: "TryPush", V: 1, OK: true},
			{Client: 0, Call: 3, Return: 4, Kind: "TryPush", V: 2, OK: true},
			{Client: 1, Call: 5, Return: 8, Kind: "TryPop", V: 2, OK: true},
			{Client: 2, Call: 6, Return: 7, Kind: "TryPop", V: 1, OK: true},
		}, true},
		// A blocking Push that fails with ErrClosed may hold the only slot
		// of a ring for a moment, so a TryPush before the Close sees it
		// full.
		{"relaxed: a push failing on Close holds a slot", 1, true, []stress.Op{
			{Client: 0, Call: 1, Return: 10, Kind: "Push", V: 1, Err: "closed"},
			{Client: 1, Call: 2, Return: 3, Kind: "TryPush", V: 2},
			{Client: 1, Call: 4, Return: 5, Kind: "Close"},
		}, true},
		{"strict: the same is illegal", 1, false, []stress.Op{
			{Client: 0, Call: 1, Return: 10, Kind: "Push", V: 1, Err: "closed"},
			{Client: 1, Call: 2, Return: 3, Kind: "TryPush", V: 2},
			{Client: 1, Call: 4, Return: 5, Kind: "Close"},
		}, false},
		{"closed: push fails, pop drains, then ErrClosed", 0, false, seq(
			push(1, true), stress.Op{Kind: "Close"}, push(2, false),
			stress.Op{Kind: "Push", V: 3, Err: "closed"},
			stress.Op{Kind: "Pop", V: 1}, stress.Op{Kind: "Pop", Err: "closed"}), true},
		{"ErrClosed before Close", 0, false, seq(stress.Op{Kind: "Push", V: 1, Err: "closed"}), false},
		{"Pop ErrClosed while items remain", 0, false, seq(push(1, true), stress.Op{Kind: "Close"}, stress.Op{Kind: "Pop", Err: "closed"}), false},
		{"ctx errors have no effect", 1, false, seq(push(1, true), stress.Op{Kind: "Push", V: 2, Err: "ctx"},
			stress.Op{Kind: "Pop", V: 1}, stress.Op{Kind: "Pop", Err: "ctx"}, pop(0, false)), true},
		{"other errors are never legal", 0, false, seq(stress.Op{Kind: "Push", V: 1, Err: "other"}), false},
	}
	for _, c := range cases {
		if got := stress.QueueHistoryLinearizable(c.capacity, c.relaxed, c.ops); got != c.want {
			t.Errorf("%s: linearizable = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestDequeModelVerdicts(t *testing.T) {
	push := func(v uint64) stress.Op { return stress.Op{Kind: "DPush", V: v} }
	pop := func(v uint64, ok bool) stress.Op { return stress.Op{Kind: "DPop", V: v, OK: ok} }
	steal := func(st stress.StealResult, items ...uint64) stress.Op {
		return stress.Op{Kind: "Steal", St: st, Items: items}
	}
	batch := func(st stress.StealResult, items ...uint64) stress.Op {
		return stress.Op{Kind: "StealBatch", St: st, Items: items}
	}
	cases := []struct {
		name   string
		flavor stress.Flavor
		ops    []stress.Op
		want   bool
	}{
		{"lifo pop newest", stress.LIFO, seq(push(1), push(2), pop(2, true), pop(1, true), pop(0, false)), true},
		{"lifo pop oldest", stress.LIFO, seq(push(1), push(2), pop(1, true)), false},
		{"fifo pop oldest", stress.FIFO, seq(push(1), push(2), pop(1, true)), true},
		{"steal oldest", stress.LIFO, seq(push(1), push(2), steal(stress.StealSuccess, 1)), true},
		{"steal newest", stress.LIFO, seq(push(1), push(2), steal(stress.StealSuccess, 2)), false},
		{"steal empty when not", stress.LIFO, seq(push(1), steal(stress.StealEmpty)), false},
		{"retry anywhere", stress.LIFO, seq(push(1), steal(stress.StealRetry), pop(1, true)), true},
		{"retry that took an item", stress.LIFO, seq(push(1), steal(stress.StealRetry, 1)), false},
		{"batch of oldest, any order", stress.LIFO, seq(push(1), push(2), push(3), batch(stress.StealSuccess, 2, 1), pop(3, true)), true},
		{"batch skipping the oldest", stress.LIFO, seq(push(1), push(2), push(3), batch(stress.StealSuccess, 2, 3)), false},
		{"batch success taking nothing", stress.LIFO, seq(push(1), batch(stress.StealSuccess)), false},
		{"batch empty on empty", stress.FIFO, seq(batch(stress.StealEmpty), push(1), pop(1, true)), true},
	}
	for _, c := range cases {
		if got := stress.DequeHistoryLinearizable(c.flavor, c.ops); got != c.want {
			t.Errorf("%s: linearizable = %v, want %v", c.name, got, c.want)
		}
	}
}

// The minimizer keeps a genuine witness: here the spurious empty TryPop,
// the push it missed and the pop that shows the item was there.
func TestMinimizer(t *testing.T) {
	ops := seq(
		stress.Op{Kind: "TryPush", V: 1, OK: true},
		stress.Op{Kind: "TryPush", V: 2, OK: true},
		stress.Op{Kind: "TryPop", V: 1, OK: true},
		stress.Op{Kind: "TryPop"}, // empty, but 2 is queued
		stress.Op{Kind: "TryPush", V: 3, OK: true},
		stress.Op{Kind: "TryPop", V: 2, OK: true},
		stress.Op{Kind: "TryPop", V: 3, OK: true},
		stress.Op{Kind: "TryPop"},
	)
	if stress.QueueHistoryLinearizable(0, false, ops) {
		t.Fatal("the history should not be linearizable")
	}
	if kept, _ := stress.MinimizeQueueHistory(0, ops); len(kept) != 3 {
		t.Fatalf("minimized to %d operations, want 3 (push 2, the empty pop, pop 2)", len(kept))
	}
}

// A minimized witness is still a violation and keeps every operation that
// overlaps one it keeps, and its report says which overlap. Here a TryPop
// reports empty although 2 was pushed before it and only popped after it
// returned; a concurrent pop of 1 overlaps the empty one (and is why the
// empty TryPop cannot simply be explained by 1 being taken), and a later,
// sequential push and pop of 3 are irrelevant.
func TestMinimizerKeepsOverlappingOperations(t *testing.T) {
	ops := []stress.Op{
		{Client: 0, Call: 1, Return: 2, Kind: "TryPush", V: 1, OK: true},
		{Client: 0, Call: 3, Return: 4, Kind: "TryPush", V: 2, OK: true},
		{Client: 1, Call: 5, Return: 8, Kind: "TryPop", V: 1, OK: true},
		{Client: 2, Call: 6, Return: 7, Kind: "TryPop"}, // empty: 2 is queued
		{Client: 0, Call: 9, Return: 10, Kind: "TryPop", V: 2, OK: true},
		{Client: 0, Call: 11, Return: 12, Kind: "TryPush", V: 3, OK: true},
		{Client: 0, Call: 13, Return: 14, Kind: "TryPop", V: 3, OK: true},
	}
	require.False(t, stress.QueueHistoryLinearizable(0, false, ops))
	kept, report := stress.MinimizeQueueHistory(0, ops)
	require.False(t, stress.QueueHistoryLinearizable(0, false, kept), "the witness must stay a violation:\n%s", report)
	overlaps := func(a, b stress.Op) bool { return a.Client != b.Client && a.Call < b.Return && b.Call < a.Return }
	for _, k := range kept {
		for _, o := range ops {
			if overlaps(k, o) {
				require.Contains(t, kept, o, "an operation overlapping a kept one was dropped:\n%s", report)
			}
		}
	}
	require.Contains(t, kept, ops[2], "the pop of 1 that overlaps the empty pop:\n%s", report)
	require.NotContains(t, kept, ops[5], "the later push of 3 is irrelevant:\n%s", report)
	require.Contains(t, report, "overlaps #")
	t.Logf("witness:\n%s", report)
}

// RelaxedFull covers a ring whose TryPush needs the slot an older TryPop
// still holds: capacity 2, 1 and 2 pushed, a TryPop of 1 still in flight
// while a TryPop of 2 completes, and a TryPush then reports full although
// the queue is empty.
func TestRelaxedFullSlotHeldByOlderPop(t *testing.T) {
	ops := []stress.Op{
		{Client: 0, Call: 1, Return: 2, Kind: "TryPush", V: 1, OK: true},
		{Client: 0, Call: 3, Return: 4, Kind: "TryPush", V: 2, OK: true},
		{Client: 1, Call: 5, Return: 20, Kind: "TryPop", V: 1, OK: true},
		{Client: 2, Call: 6, Return: 7, Kind: "TryPop", V: 2, OK: true},
		{Client: 0, Call: 8, Return: 9, Kind: "TryPush", V: 3},
	}
	assert.True(t, stress.QueueHistoryLinearizable(2, true, ops), "RelaxedFull must allow it")
	assert.False(t, stress.QueueHistoryLinearizable(2, false, ops), "the strict model must not")
}
