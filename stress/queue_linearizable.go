package stress

import (
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/anishathalye/porcupine"
)

// CheckQueueLinearizable runs opts.Histories short concurrent scenarios on
// fresh queues from newQueue, each several times (see Options.Histories),
// and checks the recorded histories with porcupine against a
// sequential FIFO queue that is full at exactly opts.Capacity items (never
// full if 0).
//
// Each history has 3 to 6 goroutines of 5 to 10 TryPush and TryPop
// operations each (3 or 4 of 5 or 6 in xbeam_chaos builds, where almost all
// operations overlap and bigger histories get slow to check; distinct
// values; each goroutine leans to pushing or to popping), driven into
// overlap as the package documentation describes; a third of the
// histories start from a pre-filled queue so that TryPush on a full queue
// and TryPop racing a drain both come up. After the goroutines finish, the
// queue is drained with TryPop (recorded too), so that a lost item is a
// violation. GOMAXPROCS cycles through opts.Procs (restored on return).
// The test log says what share of the scenarios and of their runs
// overlapped, per GOMAXPROCS.
//
// Ring queues whose TryPush may report full while a concurrent pop is still
// handing its slot back set opts.RelaxedFull.
//
// A history that is not linearizable fails t with the history minimized
// (still a violation, and keeping every operation that overlaps one it
// keeps; each line lists the operations that overlap it), the full
// history, the path of porcupine's HTML visualization (in
// opts.ArtifactDir or t.ArtifactDir()) and the seed. A check that
// porcupine cannot decide within opts.CheckTimeout also fails, and so does
// a history whose goroutines do not finish within opts.Stall.
//
// CheckQueueLinearizable must be called from the test's goroutine.
func CheckQueueLinearizable(t testing.TB, newQueue func() Queue, opts Options) {
	t.Helper()
	o := opts.defaults()
	c := &linChecker{model: queueLinModel(o.Capacity), opts: o, name: "CheckQueueLinearizable"}
	r := newRand(o.Seed, 1<<40)
	var prepare func([]porcupine.Operation)
	if o.RelaxedFull {
		prepare = addFullSlack
	}
	for h := range o.Histories {
		procs := o.Procs[h%len(o.Procs)]
		c.runHistory(t, r, procs, func(r *rand.Rand) scenario { return queueScenario(newQueue(), r, o.Capacity) }, prepare, fmt.Sprintf("capacity %d", o.Capacity))
	}
	t.Logf("stress: CheckQueueLinearizable: %s linearizable", c.summary())
}

// queueScenario draws one random history's operations for q.
func queueScenario(q Queue, r *rand.Rand, capacity int) (sc scenario) {
	if r.IntN(3) == 0 {
		n := 1 + r.IntN(4)
		if capacity > 0 {
			n = 1 + r.IntN(capacity)
		}
		sc.setup = func(rec *recorder) {
			for i := range n {
				v := uint64(i + 1) // below 100: no client's value
				call := rec.call()
				ok := q.TryPush(v)
				rec.ret(call, qIn{op: qTryPush, v: v}, qOut{ok: ok})
			}
		}
	}
	n := 3 + r.IntN(extraClients+1)
	for cl := range n {
		ops := 5 + r.IntN(extraOps+1)
		pushPct := []int{25, 50, 75}[r.IntN(3)]
		push := make([]bool, ops)
		jit := make([]uint64, ops)
		for i := range ops {
			push[i] = r.IntN(100) < pushPct
			jit[i] = r.Uint64()
		}
		sc.clients = append(sc.clients, func(rec *recorder) {
			next := uint64(cl+1) * 100
			for i, isPush := range push {
				if isPush {
					next++
					call := rec.call()
					ok := q.TryPush(next)
					rec.ret(call, qIn{op: qTryPush, v: next}, qOut{ok: ok})
				} else {
					call := rec.call()
					v, ok := q.TryPop()
					rec.ret(call, qIn{op: qTryPop}, qOut{v: v, ok: ok})
				}
				rec.between(jit[i])
			}
		})
	}
	sc.teardown = func(rec *recorder) { drainQueue(q, rec) }
	return sc
}

// drainQueue pops a quiescent queue until it reports empty, recording the
// pops: an item that was pushed and then lost shows up as a TryPop that
// reports empty while the model still holds it.
func drainQueue(q Queue, rec *recorder) {
	for range 1000 {
		call := rec.call()
		v, ok := q.TryPop()
		rec.ret(call, qIn{op: qTryPop}, qOut{v: v, ok: ok})
		if !ok {
			return
		}
	}
}

// qOp is the kind of a queue operation in a history.
type qOp uint8

const (
	qTryPush qOp = iota
	qTryPop
	qPush  // blocking push
	qPop   // blocking pop
	qClose // Close
)

// qErr classifies the error of a blocking operation.
type qErr uint8

const (
	qErrNone   qErr = iota
	qErrClosed      // the queue's ErrClosed
	qErrCtx         // ctx.Err(): the operation had no effect
	qErrOther       // anything else: never legal
)

// qIn is the input of a queue operation.
type qIn struct {
	op qOp
	v  uint64
	// slack, for a failed TryPush under Options.RelaxedFull: how many
	// successful pushes and pops overlapped it (see addFullSlack).
	slack int
}

// addFullSlack sets the slack of every failed TryPush in h: the number of
// pushes (whatever their outcome: a push that claims a slot and then finds
// the queue closed gives it back and fails) and successful pops by other
// clients whose intervals overlap it. Each of those may hold a slot that
// is neither free nor counted as an item while the TryPush looks for one,
// and in a ring that slot may be the one the TryPush needs next even when
// every other slot is free, so any slack makes the failure legal.
func addFullSlack(h []porcupine.Operation) {
	for i := range h {
		in, out := h[i].Input.(qIn), h[i].Output.(qOut)
		if in.op != qTryPush || out.ok {
			continue
		}
		in.slack = 0
		for j := range h {
			o, oin := h[j], h[j].Input.(qIn)
			isPush := oin.op == qTryPush || oin.op == qPush
			isPop := (oin.op == qTryPop || oin.op == qPop) && o.Output.(qOut).ok
			if o.ClientId != h[i].ClientId && (isPush || isPop) &&
				o.Call <= h[i].Return && o.Return >= h[i].Call {
				in.slack++
			}
		}
		h[i].Input = in
	}
}

// qOut is the output of a queue operation.
type qOut struct {
	v   uint64
	ok  bool // Try ops: success; blocking ops: err == qErrNone
	err qErr
}

// Queue model states are immutable strings: one byte for closed, then the
// items oldest first, 8 bytes each. Strings compare with == and hash fast.
func qLen(s string) int     { return (len(s) - 1) / 8 }
func qHead(s string) uint64 { return binary.LittleEndian.Uint64([]byte(s[1:9])) }
func qClosed(s string) bool { return s[0] == 1 }
func qAppend(s string, v uint64) string {
	return string(binary.LittleEndian.AppendUint64([]byte(s), v))
}

var hashSeed = maphash.MakeSeed()

// queueLinModel is the porcupine model of a FIFO queue, full at exactly
// capacity items (never if 0), with optional Close and blocking operations.
func queueLinModel(capacity int) linModel {
	full := func(s string) bool { return capacity > 0 && qLen(s) >= capacity }
	step := func(state, input, output any) (bool, any) {
		s, in, out := state.(string), input.(qIn), output.(qOut)
		n := qLen(s)
		switch in.op {
		case qTryPush:
			if out.ok {
				return !qClosed(s) && !full(s), qAppend(s, in.v)
			}
			// With RelaxedFull (slack > 0), any overlapping push or
			// successful pop may hold the very slot this push needed.
			return qClosed(s) || (capacity > 0 && (n >= capacity || in.slack > 0)), s
		case qTryPop:
			if out.ok {
				return n > 0 && qHead(s) == out.v, s[:1] + s[min(9, len(s)):]
			}
			return n == 0, s
		case qPush:
			switch out.err {
			case qErrNone:
				return !qClosed(s) && !full(s), qAppend(s, in.v)
			case qErrClosed:
				return qClosed(s), s
			case qErrCtx:
				return true, s
			}
			return false, s
		case qPop:
			switch out.err {
			case qErrNone:
				return n > 0 && qHead(s) == out.v, s[:1] + s[min(9, len(s)):]
			case qErrClosed:
				return qClosed(s) && n == 0, s
			case qErrCtx:
				return true, s
			}
			return false, s
		case qClose:
			return true, "\x01" + s[1:]
		}
		return false, s
	}
	return linModel{
		Model: porcupine.Model{
			Init:              func() any { return "\x00" },
			Step:              step,
			Hash:              func(state any) uint64 { return maphash.String(hashSeed, state.(string)) },
			DescribeOperation: describeQueueOp,
			DescribeState: func(state any) string {
				s := state.(string)
				var b strings.Builder
				b.WriteString("[")
				for i := 1; i+8 <= len(s); i += 8 {
					if i > 1 {
						b.WriteString(" ")
					}
					fmt.Fprint(&b, binary.LittleEndian.Uint64([]byte(s[i:i+8])))
				}
				b.WriteString("]")
				if qClosed(s) {
					b.WriteString(" closed")
				}
				return b.String()
			},
		},
		narrow: narrowFIFO,
		classify: func(input, output any) (opClass, []uint64) {
			in, out := input.(qIn), output.(qOut)
			switch {
			case in.op == qClose:
				return classClose, nil
			case (in.op == qTryPush || in.op == qPush) && out.ok:
				return classValue, []uint64{in.v}
			case (in.op == qTryPop || in.op == qPop) && out.ok:
				return classValue, []uint64{out.v}
			case in.op == qTryPush:
				return classNeedsFull | classNeedsClosed, nil
			case out.err == qErrClosed:
				return classNeedsClosed, nil
			}
			return 0, nil
		},
	}
}

// narrowFIFO returns a copy of the queue history h with every successful
// push's and pop's interval narrowed to what FIFO order allows, or h itself
// when its values are not each pushed once and popped at most once (the
// checker then finds that out on h).
//
// A history with many long, overlapping pushes can make porcupine's search
// explode: each order of the pushes is a different queue, and it tries them
// all before it gives up on a prefix. But with unique values FIFO fixes
// much of that order. In every linearization the push of v comes before the
// pop of v, and if the pop of a returned before the pop of b was called,
// the push of a comes before the push of b. So a push's interval may end at
// its pop's return and at the return of every push it must precede, and a
// pop's may start at its push's call; applied until nothing changes, this
// removes no linearization and adds none (each narrowed interval still
// holds every point a linearization can use). The order argument is the
// one behind the queue conditions of Henzinger, Sezgin and Vafeiadis,
// "Aspect-Oriented Linearizability Proofs" (CONCUR 2013).
func narrowFIFO(h []porcupine.Operation) []porcupine.Operation {
	type pair struct{ push, pop int }
	pushed := map[uint64]int{}
	popped := map[uint64]int{}
	for i, op := range h {
		in, out := op.Input.(qIn), op.Output.(qOut)
		var m map[uint64]int
		v := in.v
		switch {
		case (in.op == qTryPush && out.ok) || (in.op == qPush && out.err == qErrNone):
			m = pushed
		case (in.op == qTryPop && out.ok) || (in.op == qPop && out.err == qErrNone):
			m, v = popped, out.v
		default:
			continue
		}
		if _, dup := m[v]; dup {
			return h
		}
		m[v] = i
	}
	pairs := make([]pair, 0, len(popped))
	for v, q := range popped {
		p, ok := pushed[v]
		if !ok {
			return h
		}
		pairs = append(pairs, pair{p, q})
	}
	n := slices.Clone(h)
	for changed := true; changed; {
		changed = false
		for _, a := range pairs {
			if n[a.push].Return > n[a.pop].Return {
				n[a.push].Return, changed = n[a.pop].Return, true
			}
			if n[a.pop].Call < n[a.push].Call {
				n[a.pop].Call, changed = n[a.push].Call, true
			}
			for _, b := range pairs {
				if n[a.pop].Return >= n[b.pop].Call {
					continue // the pops may go either way
				}
				if n[b.push].Call < n[a.push].Call {
					n[b.push].Call, changed = n[a.push].Call, true
				}
				if n[a.push].Return > n[b.push].Return {
					n[a.push].Return, changed = n[b.push].Return, true
				}
			}
		}
	}
	for _, op := range n {
		if op.Call > op.Return {
			return h // no linearization: let the checker report h
		}
	}
	return n
}

func describeQueueOp(input, output any) string {
	in, out := input.(qIn), output.(qOut)
	errText := func() string {
		switch out.err {
		case qErrNone:
			return "nil"
		case qErrClosed:
			return "ErrClosed"
		case qErrCtx:
			return "ctx error"
		}
		return "unexpected error"
	}
	switch in.op {
	case qTryPush:
		if out.ok {
			return fmt.Sprintf("TryPush(%d) -> true", in.v)
		}
		if in.slack > 0 {
			return fmt.Sprintf("TryPush(%d) -> false (%d pushes or pops overlap it)", in.v, in.slack)
		}
		return fmt.Sprintf("TryPush(%d) -> false", in.v)
	case qTryPop:
		if out.ok {
			return fmt.Sprintf("TryPop() -> %d, true", out.v)
		}
		return "TryPop() -> false (empty)"
	case qPush:
		return fmt.Sprintf("Push(%d) -> %s", in.v, errText())
	case qPop:
		if out.err == qErrNone {
			return fmt.Sprintf("Pop() -> %d", out.v)
		}
		return "Pop() -> " + errText()
	case qClose:
		return "Close()"
	}
	return "?"
}
