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

// CheckDequeLinearizable runs opts.Histories short concurrent scenarios on
// fresh deques from newDeque, each several times (see Options.Histories),
// and checks the recorded histories with porcupine against the sequential
// deque of the given flavor (DequeModel).
//
// In each history the owner (client 0) runs 5 to 10 operations, mostly
// Push and some Pop, after an optional sequential pre-fill, while 2 to 5
// thieves run 5 to 10 steals each (in xbeam_chaos builds: 2 or 3 thieves,
// everyone 5 or 6 operations): Steal, StealBatch or StealBatchAndPop
// into a deque of their own (made with newDeque), which they drain at once;
// a batch is recorded as taking the drained items. The model requires:
// Pop returns the newest (LIFO) or oldest (FIFO) item or reports empty only
// when empty; Steal returns the oldest item, or Empty only when empty; a
// successful batch takes at least one item and exactly some number of the
// oldest; Retry takes nothing and is legal anywhere (whether a race was
// really lost cannot be seen from outside; CheckDeque checks that Retry
// never happens without concurrency). Afterwards the owner drains the
// deque with Pop (recorded), so that a lost item is a violation.
// GOMAXPROCS cycles through opts.Procs.
//
// A violation fails t with the minimized history, the full history, the
// path of porcupine's HTML visualization and the seed; so does a check
// porcupine cannot decide within opts.CheckTimeout. It must be called from
// the test's goroutine.
func CheckDequeLinearizable(t testing.TB, newDeque func() Deque, flavor Flavor, opts Options) {
	t.Helper()
	flavor.check()
	o := opts.defaults()
	c := &linChecker{model: dequeLinModel(flavor), opts: o, name: "CheckDequeLinearizable"}
	r := newRand(o.Seed, 2<<40)
	for h := range o.Histories {
		procs := o.Procs[h%len(o.Procs)]
		c.runHistory(t, r, procs, func(r *rand.Rand) scenario { return dequeScenario(newDeque, r) }, nil, fmt.Sprintf("%v deque", flavor))
	}
	t.Logf("stress: CheckDequeLinearizable: %s linearizable", c.summary())
}

// dequeScenario draws one random history for a fresh deque.
func dequeScenario(newDeque func() Deque, r *rand.Rand) (sc scenario) {
	d := newDeque()
	next := uint64(0)
	if r.IntN(2) == 0 {
		n := 1 + r.IntN(6)
		sc.setup = func(rec *recorder) {
			for range n {
				next++
				call := rec.call()
				d.Push(next)
				rec.ret(call, dIn{op: dPush, v: next}, dOut{})
			}
		}
	}
	ops := 5 + r.IntN(extraOps+1)
	push := make([]bool, ops)
	jit := make([]uint64, ops)
	pushPct := []int{50, 70, 90}[r.IntN(3)]
	for i := range push {
		push[i] = r.IntN(100) < pushPct
		jit[i] = r.Uint64()
	}
	sc.clients = append(sc.clients, func(rec *recorder) {
		for i, isPush := range push {
			if isPush {
				next++
				call := rec.call()
				d.Push(next)
				rec.ret(call, dIn{op: dPush, v: next}, dOut{})
			} else {
				call := rec.call()
				v, ok := d.Pop()
				rec.ret(call, dIn{op: dPop}, dOut{v: v, ok: ok})
			}
			rec.between(jit[i])
		}
	})
	thieves := 2 + r.IntN(extraClients+1)
	for range thieves {
		s := d.Stealer()
		sc.clients = append(sc.clients, thiefClient(s.Steal, s.StealBatch, s.StealBatchAndPop, newDeque(), r))
	}
	sc.teardown = func(rec *recorder) {
		for range 1000 {
			call := rec.call()
			v, ok := d.Pop()
			rec.ret(call, dIn{op: dPop}, dOut{v: v, ok: ok})
			if !ok {
				return
			}
		}
	}
	return sc
}

// thiefClient returns a client that runs 5 to 5+extraOps random steals from a
// source through the three functions, batching into dst.
func thiefClient(steal func() (uint64, StealResult), batch func(Deque) StealResult,
	batchPop func(Deque) (uint64, StealResult), dst Deque, r *rand.Rand) func(*recorder) {
	ops := 5 + r.IntN(extraOps+1)
	kinds := make([]dOp, ops)
	jit := make([]uint64, ops)
	for i := range kinds {
		kinds[i] = []dOp{dSteal, dSteal, dBatch, dBatchPop}[r.IntN(4)]
		jit[i] = r.Uint64()
	}
	return func(rec *recorder) {
		var items []uint64
		for i, k := range kinds {
			items = items[:0]
			var st StealResult
			call := rec.call()
			switch k {
			case dSteal:
				var v uint64
				if v, st = steal(); st == StealSuccess {
					items = append(items, v)
				}
			case dBatch:
				st = batch(dst)
			case dBatchPop:
				var v uint64
				if v, st = batchPop(dst); st == StealSuccess {
					items = append(items, v)
				}
			}
			ret := rec.stamp()
			// The thief owns dst: draining it is private, part of the steal.
			items = drainInto(dst, items)
			rec.ops = append(rec.ops, porcupine.Operation{ClientId: rec.client, Call: call, Return: ret,
				Input: dIn{op: k}, Output: dOut{st: st, items: encodeSorted(items)}})
			rec.between(jit[i])
		}
	}
}

// encodeSorted returns the items sorted and packed 8 bytes each.
func encodeSorted(items []uint64) string {
	s := slices.Clone(items)
	slices.Sort(s)
	b := make([]byte, 0, 8*len(s))
	for _, v := range s {
		b = binary.LittleEndian.AppendUint64(b, v)
	}
	return string(b)
}

func decodeItems(s string) []uint64 {
	out := make([]uint64, 0, len(s)/8)
	for i := 0; i+8 <= len(s); i += 8 {
		out = append(out, binary.LittleEndian.Uint64([]byte(s[i:i+8])))
	}
	return out
}

// dOp is the kind of a deque or injector operation in a history.
type dOp uint8

const (
	dPush dOp = iota
	dPop
	dSteal
	dBatch
	dBatchPop
)

// dIn is the input of a deque operation.
type dIn struct {
	op dOp
	v  uint64
}

// dOut is the output of a deque operation. For steals, items holds the
// items taken (packed, sorted), and st the result.
type dOut struct {
	v     uint64
	ok    bool
	st    StealResult
	items string
}

// dequeLinModel is the porcupine model of a work-stealing deque (and, with
// FIFO and no owner pops, of an injector). States are the items oldest
// first, packed 8 bytes each.
func dequeLinModel(flavor Flavor) linModel {
	item := func(s string, i int) uint64 { return binary.LittleEndian.Uint64([]byte(s[8*i : 8*i+8])) }
	step := func(state, input, output any) (bool, any) {
		s, in, out := state.(string), input.(dIn), output.(dOut)
		n := len(s) / 8
		switch in.op {
		case dPush:
			return true, string(binary.LittleEndian.AppendUint64([]byte(s), in.v))
		case dPop:
			if !out.ok {
				return n == 0, s
			}
			if n == 0 {
				return false, s
			}
			if flavor == FIFO {
				return item(s, 0) == out.v, s[8:]
			}
			return item(s, n-1) == out.v, s[:len(s)-8]
		default: // steals
			k := len(out.items) / 8
			switch out.st {
			case StealEmpty:
				return n == 0 && k == 0, s
			case StealRetry:
				return k == 0, s
			case StealSuccess:
				if k == 0 || k > n || (in.op == dSteal && k != 1) {
					return false, s
				}
				return encodeSorted(decodeItems(s[:8*k])) == out.items, s[8*k:]
			}
			return false, s
		}
	}
	return linModel{
		Model: porcupine.Model{
			Init:              func() any { return "" },
			Step:              step,
			Hash:              func(state any) uint64 { return maphash.String(hashSeed, state.(string)) },
			DescribeOperation: describeDequeOp,
			DescribeState:     func(state any) string { return fmt.Sprint(decodeItems(state.(string))) },
		},
		classify: func(input, output any) (opClass, []uint64) {
			in, out := input.(dIn), output.(dOut)
			switch {
			case in.op == dPush:
				return classValue, []uint64{in.v}
			case in.op == dPop && out.ok:
				return classValue, []uint64{out.v}
			case len(out.items) > 0:
				return classValue, decodeItems(out.items)
			}
			return 0, nil
		},
	}
}

func describeDequeOp(input, output any) string {
	in, out := input.(dIn), output.(dOut)
	items := func() string {
		var b strings.Builder
		for i, v := range decodeItems(out.items) {
			if i > 0 {
				b.WriteString(" ")
			}
			fmt.Fprint(&b, v)
		}
		return b.String()
	}
	switch in.op {
	case dPush:
		return fmt.Sprintf("Push(%d)", in.v)
	case dPop:
		if out.ok {
			return fmt.Sprintf("Pop() -> %d, true", out.v)
		}
		return "Pop() -> false (empty)"
	case dSteal:
		if out.st == StealSuccess {
			return "Steal() -> " + items() + ", Success"
		}
		return "Steal() -> " + out.st.String()
	case dBatch, dBatchPop:
		name := map[dOp]string{dBatch: "StealBatch", dBatchPop: "StealBatchAndPop"}[in.op]
		if out.st == StealSuccess {
			return name + "() took [" + items() + "], Success"
		}
		return name + "() -> " + out.st.String()
	}
	return "?"
}
