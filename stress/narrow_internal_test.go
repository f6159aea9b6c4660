package stress

import (
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// hardQueueHistory is a linearizable history of a queue that never fills,
// recorded from Bounded, on which porcupine's search without narrowing
// outlasts any of the checks' timeouts: pushes that overlap many others,
// whose order only the pops at the end settle. Rows: client, call, return, pushed value
// (0: a TryPop), popped value (0 with a TryPop: empty).
var hardQueueHistory = [][5]int64{
	{0, 1, 2, 1, 0}, {1, 3, 6, 201, 0}, {2, 3, 4, 0, 1}, {2, 5, 8, 301, 0},
	{1, 7, 10, 202, 0}, {2, 9, 12, 0, 201}, {1, 11, 13, 203, 0}, {1, 14, 31, 204, 0},
	{2, 14, 15, 302, 0}, {2, 16, 17, 303, 0}, {0, 18, 21, 0, 202}, {2, 18, 19, 0, 301},
	{2, 20, 22, 304, 0}, {0, 23, 24, 101, 0}, {2, 23, 25, 0, 203}, {4, 26, 29, 501, 0},
	{3, 26, 27, 0, 302}, {3, 28, 43, 401, 0}, {4, 30, 33, 502, 0}, {0, 32, 52, 102, 0},
	{4, 34, 35, 503, 0}, {4, 36, 37, 504, 0}, {4, 38, 39, 505, 0}, {4, 40, 41, 506, 0},
	{4, 42, 54, 507, 0}, {3, 44, 45, 0, 303}, {1, 46, 48, 0, 304}, {3, 46, 47, 402, 0},
	{3, 49, 50, 403, 0}, {3, 51, 58, 404, 0}, {1, 53, 60, 205, 0}, {4, 55, 56, 0, 101},
	{0, 57, 65, 103, 0}, {3, 59, 73, 405, 0}, {4, 61, 64, 508, 0}, {1, 61, 62, 206, 0},
	{1, 63, 70, 207, 0}, {0, 66, 67, 104, 0}, {4, 66, 77, 509, 0}, {0, 68, 69, 105, 0},
	{1, 71, 72, 0, 501}, {3, 74, 75, 406, 0}, {1, 76, 78, 0, 204}, {3, 79, 80, 0, 502},
	{0, 81, 82, 0, 503}, {0, 83, 84, 0, 504}, {0, 85, 86, 0, 505}, {0, 87, 88, 0, 506},
	{0, 89, 90, 0, 401}, {0, 91, 92, 0, 402}, {0, 93, 94, 0, 403}, {0, 95, 96, 0, 102},
	{0, 97, 98, 0, 507}, {0, 99, 100, 0, 404}, {0, 101, 102, 0, 205}, {0, 103, 104, 0, 206},
	{0, 105, 106, 0, 508}, {0, 107, 108, 0, 103}, {0, 109, 110, 0, 104}, {0, 111, 112, 0, 105},
	{0, 113, 114, 0, 207}, {0, 115, 116, 0, 405}, {0, 117, 118, 0, 406}, {0, 119, 120, 0, 509},
	{0, 121, 122, 0, 0},
}

// queueHistory turns rows like hardQueueHistory's into TryPush and TryPop
// operations.
func queueHistory(rows [][5]int64) []porcupine.Operation {
	h := make([]porcupine.Operation, len(rows))
	for i, r := range rows {
		in, out := qIn{op: qTryPop}, qOut{v: uint64(r[4]), ok: r[4] != 0}
		if r[3] != 0 {
			in, out = qIn{op: qTryPush, v: uint64(r[3])}, qOut{ok: true}
		}
		h[i] = porcupine.Operation{ClientId: int(r[0]), Call: r[1], Return: r[2], Input: in, Output: out}
	}
	return h
}

// TestNarrowFIFODecidesHardHistory: with the intervals narrowed, porcupine
// proves hardQueueHistory linearizable within the checks' default timeout;
// the history itself is not changed.
func TestNarrowFIFODecidesHardHistory(t *testing.T) {
	h := queueHistory(hardQueueHistory)
	n := narrowFIFO(h)
	require.Len(t, n, len(h))
	assert.Equal(t, queueHistory(hardQueueHistory), h, "narrowFIFO changed its argument")
	for i := range n {
		assert.True(t, n[i].Call >= h[i].Call && n[i].Return <= h[i].Return && n[i].Call <= n[i].Return,
			"operation %d: [%d, %d] narrowed to [%d, %d]", i, h[i].Call, h[i].Return, n[i].Call, n[i].Return)
	}
	assert.Equal(t, porcupine.Ok, porcupine.CheckOperationsTimeout(queueLinModel(0).Model, n, time.Minute))
}

// TestNarrowFIFOKeepsVerdict: on small random queue histories, narrowed or
// not, porcupine gives the same verdict. Half the histories are linearizable
// by construction (each operation's outcome is that of a sequential queue
// run in the order of points drawn inside the intervals; at most one pop
// then has a wrong value), the rest have random outcomes.
func TestNarrowFIFOKeepsVerdict(t *testing.T) {
	verdicts := map[bool]int{} // porcupine.CheckOperations: linearizable
	// A narrowing that drops a linearization flips a verdict only in rare
	// histories: draw many (rapid draws 100 per Check by default).
	rounds := 50
	if testing.Short() {
		rounds = 20
	}
	for range rounds {
		checkNarrowVerdict(t, verdicts)
	}
	// Both verdicts must have come up, or the comparison proves little.
	assert.NotZero(t, verdicts[true], "no linearizable history drawn")
	assert.NotZero(t, verdicts[false], "no illegal history drawn")
}

// checkNarrowVerdict is one rapid.Check of TestNarrowFIFOKeepsVerdict,
// counting the verdicts in verdicts.
func checkNarrowVerdict(t *testing.T, verdicts map[bool]int) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 12).Draw(t, "ops")
		legal := rapid.Bool().Draw(t, "legal")
		rows := make([][5]int64, n)
		order := rapid.Permutation(func() []int {
			p := make([]int, n)
			for i := range p {
				p[i] = i
			}
			return p
		}()).Draw(t, "order")
		next := int64(0)
		for i := range rows {
			// Operation order[i] takes effect at time 4i+2.
			k := order[i]
			at := int64(4*i + 2)
			rows[k] = [5]int64{int64(k), at - int64(2*rapid.IntRange(0, 4).Draw(t, "before")+1),
				at + int64(2*rapid.IntRange(0, 4).Draw(t, "after")), 0, 0}
			if rapid.Bool().Draw(t, "push") {
				next++
				rows[k][3] = next
			}
		}
		var q []int64
		for _, k := range order {
			switch {
			case rows[k][3] != 0:
				q = append(q, rows[k][3])
			case !legal:
				rows[k][4] = int64(rapid.IntRange(0, int(next)).Draw(t, "popped"))
			case len(q) > 0:
				rows[k][4], q = q[0], q[1:]
			}
		}
		if legal && rapid.Bool().Draw(t, "spoil") {
			k := rapid.IntRange(0, n-1).Draw(t, "spoiled")
			if rows[k][3] == 0 {
				rows[k][4] = int64(rapid.IntRange(0, int(next)).Draw(t, "wrong"))
			}
		}
		capacity := 0 // the sequential run above is unbounded
		if !legal {
			capacity = rapid.IntRange(0, 2).Draw(t, "capacity")
		}
		h := queueHistory(rows)
		model := queueLinModel(capacity).Model
		want := porcupine.CheckOperations(model, h)
		got := porcupine.CheckOperations(model, narrowFIFO(h))
		if got != want {
			t.Fatalf("linearizable %v narrowed, %v as recorded; history %v, narrowed %v", got, want, h, narrowFIFO(h))
		}
		verdicts[want]++
	})
}

func TestNarrowFIFORepeatedValue(t *testing.T) {
	h := queueHistory([][5]int64{{0, 1, 2, 7, 0}, {1, 1, 4, 7, 0}, {2, 3, 6, 0, 7}})
	assert.Same(t, &h[0], &narrowFIFO(h)[0], "a history with a repeated value is searched as recorded")
}
