package stress

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// The fuzz helpers turn fuzz input into a sequential operation sequence,
// apply it to the structure under test and to its model, and fail at the
// first difference with the whole trace so far. A structure's package
// needs only a few lines per target:
//
//	func FuzzBounded(f *testing.F) {
//		for _, s := range stress.FuzzSeeds() {
//			f.Add(s)
//		}
//		f.Fuzz(func(t *testing.T, data []byte) {
//			stress.FuzzQueue(t, data, 4, func() stress.Queue { return queue.NewBounded[uint64](4) })
//		})
//	}
//
// Decoding: each byte is one step. The low two bits choose the operation
// (see each helper); when they are 3, the step is a burst instead: bit 2
// chooses pushes or pops and bits 3-7 the count (0 to 31), so that short
// inputs reach full queues, long runs and index wrap-around.

// FuzzSeeds returns seed inputs for the fuzz helpers: fill and drain,
// alternation, bursts past a small capacity, and closing midway.
func FuzzSeeds() [][]byte {
	return [][]byte{
		{},
		{0, 0, 1, 1, 2, 2},
		{0, 2, 0, 2, 0, 2, 0, 2},
		{0xfb, 0xff, 0xfb, 0xff},             // 31 pushes, 31 pops, twice
		{0x43, 0x47, 0x43, 0x47, 0x43, 0x47}, // bursts of 8
		{0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 2, 1, 2, 1, 2},
		{0x23, 0x0f, 0x23, 0x27, 0xfb},
		{0, 1, 0xfb, 2, 0xff, 1, 2},
	}
}

// trace keeps the last traceLen steps of one fuzz run for the failure
// report; steps are formatted only on failure.
type trace struct {
	n     int
	steps [traceLen]struct {
		format string
		args   [3]any
		nargs  int
	}
}

const traceLen = 64

// add records one step; at most three arguments.
func (tr *trace) add(format string, args ...any) {
	e := &tr.steps[tr.n%traceLen]
	tr.n++
	e.format, e.nargs = format, copy(e.args[:], args)
}

func (tr *trace) fail(t testing.TB, format string, args ...any) {
	t.Helper()
	var b strings.Builder
	first := max(0, tr.n-traceLen)
	if first > 0 {
		fmt.Fprintf(&b, "   ... (%d earlier steps)\n", first)
	}
	for i := first; i < tr.n; i++ {
		e := &tr.steps[i%traceLen]
		fmt.Fprintf(&b, "%5d  %s\n", i+1, fmt.Sprintf(e.format, e.args[:e.nargs]...))
	}
	t.Fatalf("stress: %s\nsteps so far (the last one differs):\n%s", fmt.Sprintf(format, args...), b.String())
}

// step is one decoded fuzz step.
type step struct {
	op    uint8 // 0, 1, 2: the helper's operations; 3: a burst
	push  bool  // burst direction
	count int   // burst length
}

func decode(b byte) step {
	if b&3 != 3 {
		return step{op: b & 3}
	}
	return step{op: 3, push: b&4 == 0, count: int(b >> 3)}
}

// FuzzQueue replays data against a fresh queue from newQueue and a
// QueueModel with the given capacity (0: unbounded). Step operations:
// 0 TryPush of the next value, 1 TryPush too (pushes are the common case),
// 2 TryPop, 3 a burst of TryPush or TryPop. If the queue has a Len() int
// method, Len is compared after every step.
func FuzzQueue(t testing.TB, data []byte, capacity int, newQueue func() Queue) {
	t.Helper()
	q, m := newQueue(), NewQueueModel[uint64](capacity)
	ln, hasLen := q.(lener)
	tr := &trace{}
	next := uint64(0)
	push := func() {
		next++
		held := m.Len()
		got, want := q.TryPush(next), m.TryPush(next)
		tr.add("TryPush(%d) = %v", next, got)
		if got != want {
			tr.fail(t, "FuzzQueue: TryPush(%d) = %v, model says %v (it held %d of capacity %d)", next, got, want, held, capacity)
		}
	}
	pop := func() {
		gv, gok := q.TryPop()
		wv, wok := m.TryPop()
		tr.add("TryPop() = %d, %v", gv, gok)
		if gok != wok || (gok && gv != wv) {
			tr.fail(t, "FuzzQueue: TryPop() = %d, %v; model says %d, %v", gv, gok, wv, wok)
		}
	}
	for _, b := range data {
		s := decode(b)
		switch {
		case s.op <= 1:
			push()
		case s.op == 2:
			pop()
		case s.push:
			for range s.count {
				push()
			}
		default:
			for range s.count {
				pop()
			}
		}
		if hasLen {
			if got := ln.Len(); got != m.Len() {
				tr.fail(t, "FuzzQueue: Len() = %d, model holds %d", got, m.Len())
			}
		}
	}
	for m.Len() > 0 {
		pop()
	}
	pop() // and empty at the end
}

// FuzzBlockingQueue replays data against a fresh queue from newQueue and a
// closable QueueModel with the given capacity. Step operations: 0 a push,
// 1 a pop, 2 Close (only once in eight such steps; the others are pops),
// 3 a burst of pushes or pops. Each push or pop is, by the bits above the
// operation, TryPush/TryPop, Push/Pop with a context that is already done,
// or Push/Pop with a live context when the model says it will not wait.
// A done context may fail with ctx.Err() (no effect) or succeed where no
// wait is needed; ErrClosed is compared with errors.Is.
func FuzzBlockingQueue(t testing.TB, data []byte, capacity int, errClosed error, newQueue func() BlockingQueue) {
	t.Helper()
	if errClosed == nil {
		panic("stress: FuzzBlockingQueue needs errClosed")
	}
	q, m := newQueue(), NewQueueModel[uint64](capacity)
	tr := &trace{}
	next := uint64(0)
	done, cancel := context.WithCancel(context.Background())
	cancel()
	live := context.Background()
	push := func(mode byte) {
		next++
		v := next
		switch mode % 3 {
		case 0:
			got, want := q.TryPush(v), m.TryPush(v)
			tr.add("TryPush(%d) = %v", v, got)
			if got != want {
				tr.fail(t, "FuzzBlockingQueue: TryPush(%d) = %v, model says %v (holds %d, closed %v)", v, got, want, m.Len(), m.Closed())
			}
			return
		case 1:
			err := q.Push(done, v)
			tr.add("Push(done ctx, %d) = %v", v, err)
			switch classifyErr(err, errClosed) {
			case qErrNone:
				if !m.TryPush(v) {
					tr.fail(t, "FuzzBlockingQueue: Push(done ctx, %d) succeeded; model is full or closed", v)
				}
			case qErrClosed:
				if !m.Closed() {
					tr.fail(t, "FuzzBlockingQueue: Push returned ErrClosed on an open queue")
				}
			case qErrCtx: // no effect; allowed whether or not it had to wait
			default:
				tr.fail(t, "FuzzBlockingQueue: Push returned an unexpected error: %v", err)
			}
		default:
			if m.Full() && !m.Closed() {
				tr.add("(Push with a live ctx skipped: it would wait)")
				return
			}
			err := q.Push(live, v)
			tr.add("Push(%d) = %v", v, err)
			want := m.TryPush(v)
			if k := classifyErr(err, errClosed); (k == qErrNone) != want || (k != qErrNone && k != qErrClosed) {
				tr.fail(t, "FuzzBlockingQueue: Push(%d) = %v; model: pushed %v, closed %v", v, err, want, m.Closed())
			}
		}
	}
	pop := func(mode byte) {
		switch mode % 3 {
		case 0:
			gv, gok := q.TryPop()
			wv, wok := m.TryPop()
			tr.add("TryPop() = %d, %v", gv, gok)
			if gok != wok || (gok && gv != wv) {
				tr.fail(t, "FuzzBlockingQueue: TryPop() = %d, %v; model says %d, %v", gv, gok, wv, wok)
			}
		case 1:
			v, err := q.Pop(done)
			tr.add("Pop(done ctx) = %d, %v", v, err)
			switch classifyErr(err, errClosed) {
			case qErrNone:
				if w, ok := m.TryPop(); !ok || w != v {
					tr.fail(t, "FuzzBlockingQueue: Pop(done ctx) = %d; model says %d, %v", v, w, ok)
				}
			case qErrClosed:
				if !m.Closed() || m.Len() > 0 {
					tr.fail(t, "FuzzBlockingQueue: Pop returned ErrClosed; model holds %d, closed %v", m.Len(), m.Closed())
				}
			case qErrCtx: // no effect; allowed whether or not it had to wait
			default:
				tr.fail(t, "FuzzBlockingQueue: Pop returned an unexpected error: %v", err)
			}
		default:
			if m.Len() == 0 && !m.Closed() {
				tr.add("(Pop with a live ctx skipped: it would wait)")
				return
			}
			v, err := q.Pop(live)
			tr.add("Pop() = %d, %v", v, err)
			w, ok := m.TryPop()
			k := classifyErr(err, errClosed)
			if ok != (k == qErrNone) || (ok && v != w) || (!ok && k != qErrClosed) {
				tr.fail(t, "FuzzBlockingQueue: Pop() = %d, %v; model says %d, %v (closed %v)", v, err, w, ok, m.Closed())
			}
		}
	}
	for i, b := range data {
		s := decode(b)
		mode := b >> 2
		switch {
		case s.op == 0:
			push(mode)
		case s.op == 1:
			pop(mode)
		case s.op == 2 && mode%8 == 0:
			q.Close()
			m.Close()
			tr.add("Close()")
		case s.op == 2:
			pop(mode)
		case s.push:
			for j := range s.count {
				push(byte(i + j))
			}
		default:
			for j := range s.count {
				pop(byte(i + j))
			}
		}
	}
	for m.Len() > 0 {
		pop(0)
	}
	pop(0)
}

// FuzzDeque replays data against a fresh deque from newDeque (and a second
// one as the dst of batch steals) and a DequeModel of the given flavor, all
// from one goroutine. Step operations: 0 Push of the next value, 1 Pop,
// 2 a steal (by the bits above: Steal, StealBatch or StealBatchAndPop),
// 3 a burst of pushes or pops. Without concurrency a steal must succeed
// when the model is not empty and report Empty when it is (never Retry),
// and a batch from n items must take the oldest k, 1 <= k <= ceil(n/2)+1.
func FuzzDeque(t testing.TB, data []byte, flavor Flavor, newDeque func() Deque) {
	t.Helper()
	flavor.check()
	d, dst := newDeque(), newDeque()
	s := d.Stealer()
	m := NewDequeModel[uint64](flavor)
	tr := &trace{}
	next := uint64(0)
	push := func() {
		next++
		d.Push(next)
		m.Push(next)
		tr.add("Push(%d)", next)
	}
	pop := func() {
		gv, gok := d.Pop()
		wv, wok := m.Pop()
		tr.add("Pop() = %d, %v", gv, gok)
		if gok != wok || (gok && gv != wv) {
			tr.fail(t, "FuzzDeque (%v): Pop() = %d, %v; model says %d, %v", flavor, gv, gok, wv, wok)
		}
	}
	steal := func(kind byte) {
		n := m.Len()
		name := stealNames[kind%3]
		st, taken := stealAndDrain(s, int(kind%3), dst)
		tr.add("%s() = %v, took %v", name, st, taken)
		want := StealSuccess
		if n == 0 {
			want = StealEmpty
		}
		if st != want {
			tr.fail(t, "FuzzDeque (%v): %s() = %v from %d items with no concurrency; want %v", flavor, name, st, n, want)
		}
		if kind%3 != 0 && len(taken) > (n+1)/2+1 {
			tr.fail(t, "FuzzDeque (%v): %s() took %d of %d items; at most ceil(n/2)+1 = %d", flavor, name, len(taken), n, (n+1)/2+1)
		}
		if kind%3 == 0 && len(taken) > 1 {
			tr.fail(t, "FuzzDeque (%v): Steal() took %d items", flavor, len(taken))
		}
		if err := m.StealBatch(taken); err != nil {
			tr.fail(t, "FuzzDeque (%v): %s(): %v", flavor, name, err)
		}
	}
	for _, b := range data {
		st := decode(b)
		switch {
		case st.op == 0:
			push()
		case st.op == 1:
			pop()
		case st.op == 2:
			steal(b >> 2)
		case st.push:
			for range st.count {
				push()
			}
		default:
			for range st.count {
				pop()
			}
		}
	}
	for m.Len() > 0 {
		pop()
	}
	pop()
}
