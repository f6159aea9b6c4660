package stress

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
)

// BlockingQueue is the view of a closable FIFO queue with waiting
// operations that CheckBlockingQueueLinearizable drives; all methods must
// be safe for concurrent use. xbeam's *queue.Bounded[uint64] satisfies it
// as it is; *queue.Unbounded[uint64], whose Push takes no context, needs a
// three-line wrapper:
//
//	type unbounded struct{ *queue.Unbounded[uint64] }
//	func (u unbounded) Push(_ context.Context, v uint64) error { return u.Unbounded.Push(v) }
type BlockingQueue interface {
	Queue
	// Push enqueues v, waiting while the queue is full. It returns nil,
	// the queue's ErrClosed, or ctx.Err() (and then had no effect).
	Push(ctx context.Context, v uint64) error
	// Pop dequeues the oldest item, waiting while the queue is empty. It
	// returns the item and nil, ErrClosed once the queue is closed and
	// drained, or ctx.Err() (and then had no effect).
	Pop(ctx context.Context) (uint64, error)
	// Close closes the queue: pushes fail, pops drain what is left, and
	// waiters wake up. It is idempotent.
	Close()
}

// CheckBlockingQueueLinearizable runs opts.Histories short concurrent
// scenarios on fresh queues from newQueue (shaped, run and recorded as in
// CheckQueueLinearizable), mixing TryPush, TryPop, the
// waiting Push and Pop (with contexts that are already done, or expire
// after 50µs to 2ms, so that waiters both succeed and give up), and, in
// half of the histories, one Close by a random goroutine at a random
// point. Each history is checked with porcupine against a sequential FIFO
// queue, full at exactly opts.Capacity items (never if 0), that is
// closable:
//
//   - TryPush/Push succeed only while open and not full; TryPush fails
//     only when full or closed; Push returns ErrClosed only once closed;
//   - TryPop/Pop return the oldest item; Pop returns ErrClosed only when
//     closed and empty; TryPop fails only when empty;
//   - an operation that returns a context error had no effect;
//   - any other error is a violation.
//
// Errors are classified with errors.Is against opts.ErrClosed (required;
// it panics if nil) and context.Canceled / context.DeadlineExceeded. After
// the goroutines finish the queue is drained with TryPop (recorded).
//
// Because a Pop that ends with its context's error is always linearizable,
// every eighth history also checks that Close wakes waiters: one to three
// goroutines wait in Pop on an empty queue (or in Push on a full one, when
// opts.Capacity is set) with contexts that never expire, the queue is
// closed, and each must return ErrClosed within opts.Stall; otherwise the
// check fails with "Pop parked through Close" (or Push) and every
// goroutine's stack. Violations are reported as by CheckQueueLinearizable.
// It must be called from the test's goroutine.
func CheckBlockingQueueLinearizable(t testing.TB, newQueue func() BlockingQueue, opts Options) {
	t.Helper()
	if opts.ErrClosed == nil {
		panic("stress: CheckBlockingQueueLinearizable needs Options.ErrClosed")
	}
	o := opts.defaults()
	c := &linChecker{model: queueLinModel(o.Capacity), opts: o, name: "CheckBlockingQueueLinearizable"}
	r := newRand(o.Seed, 4<<40)
	var prepare func([]porcupine.Operation)
	if o.RelaxedFull {
		prepare = addFullSlack
	}
	for h := range o.Histories {
		procs := o.Procs[h%len(o.Procs)]
		if h%8 == 0 {
			push := h%16 == 8 && o.Capacity > 0
			x := r.Uint64()
			var msg string
			withProcs(procs, func() { msg = closeWakes(newQueue(), push, 1+int(x%3), x>>2, o) })
			if msg != "" {
				t.Fatalf("stress: CheckBlockingQueueLinearizable: %s\ncapacity %d, GOMAXPROCS=%d; %s", msg, o.Capacity, procs, o.reproduce())
			}
		}
		c.runHistory(t, r, procs, func(r *rand.Rand) scenario { return blockingScenario(newQueue(), r, o) }, prepare, fmt.Sprintf("capacity %d", o.Capacity))
	}
	t.Logf("stress: CheckBlockingQueueLinearizable: %s linearizable", c.summary())
}

// closeWakes checks that Close wakes waiters: waiters goroutines wait in
// Pop on the empty queue q (with push, in Push on q filled until TryPush
// fails), then q is closed, and each must return ErrClosed within
// o.Stall; their contexts are never done before that. It returns a report
// of the first problem, or "".
func closeWakes(q BlockingQueue, push bool, waiters int, x uint64, o Options) string {
	what := "Pop"
	if push {
		what = "Push"
		for i := 0; i < o.Capacity && q.TryPush(uint64(i+1)); i++ {
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type result struct {
		v   uint64
		err error
	}
	results := make(chan result, waiters)
	for i := range waiters {
		go func() {
			if push {
				results <- result{err: q.Push(ctx, uint64(100+i))}
			} else {
				v, err := q.Pop(ctx)
				results <- result{v, err}
			}
		}()
	}
	// Give the waiters a chance to park before Close (the verdict does not
	// depend on whether they did: a waiter that has not parked yet must
	// find the queue closed).
	for range x % 128 {
		runtime.Gosched()
	}
	if x&(1<<7) != 0 {
		time.Sleep(time.Duration(x>>8%500) * time.Microsecond)
	}
	q.Close()
	timer := time.NewTimer(o.Stall)
	defer timer.Stop()
	for got := 0; got < waiters; got++ {
		select {
		case r := <-results:
			if !errors.Is(r.err, o.ErrClosed) {
				return fmt.Sprintf("%s on a closed queue returned (%d, %v); want ErrClosed", what, r.v, r.err)
			}
		case <-timer.C:
			dump := goroutineDump()
			cancel()
			return fmt.Sprintf("%s parked through Close: %d of %d waiting %ss still waiting %v after Close returned; goroutines:\n%s",
				what, waiters-got, waiters, what, o.Stall, dump)
		}
	}
	return ""
}

// classifyErr maps an error of a waiting operation to the model's kinds.
func classifyErr(err, errClosed error) qErr {
	switch {
	case err == nil:
		return qErrNone
	case errors.Is(err, errClosed):
		return qErrClosed
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return qErrCtx
	}
	return qErrOther
}

// waitBudgets are the context lifetimes of waiting operations; 0 means a
// context that is already done when the operation is called.
var waitBudgets = []time.Duration{0, 50 * time.Microsecond, 500 * time.Microsecond, 2 * time.Millisecond}

func blockingScenario(q BlockingQueue, r *rand.Rand, o Options) (sc scenario) {
	if r.IntN(3) == 0 {
		n := 1 + r.IntN(4)
		if o.Capacity > 0 {
			n = 1 + r.IntN(o.Capacity)
		}
		sc.setup = func(rec *recorder) {
			for i := range n {
				v := uint64(i + 1)
				call := rec.call()
				ok := q.TryPush(v)
				rec.ret(call, qIn{op: qTryPush, v: v}, qOut{ok: ok})
			}
		}
	}
	n := 3 + r.IntN(extraClients+1)
	closer, closeAt := -1, 0
	if r.IntN(2) == 0 {
		closer, closeAt = r.IntN(n), r.IntN(8)
	}
	for cl := range n {
		ops := 5 + r.IntN(extraOps+1)
		kinds := make([]qOp, ops)
		budgets := make([]time.Duration, ops)
		jit := make([]uint64, ops)
		pushPct := []int{25, 50, 75}[r.IntN(3)]
		for i := range ops {
			if r.IntN(100) < pushPct {
				kinds[i] = []qOp{qTryPush, qPush, qPush}[r.IntN(3)]
			} else {
				kinds[i] = []qOp{qTryPop, qPop, qPop}[r.IntN(3)]
			}
			budgets[i] = waitBudgets[r.IntN(len(waitBudgets))]
			jit[i] = r.Uint64()
		}
		if cl == closer {
			kinds[min(closeAt, ops-1)] = qClose
		}
		sc.clients = append(sc.clients, func(rec *recorder) {
			next := uint64(cl+1) * 100
			for i, k := range kinds {
				ctx, cancel := context.WithTimeout(context.Background(), budgets[i])
				if budgets[i] == 0 {
					cancel()
				}
				switch k {
				case qTryPush:
					next++
					call := rec.call()
					ok := q.TryPush(next)
					rec.ret(call, qIn{op: k, v: next}, qOut{ok: ok})
				case qTryPop:
					call := rec.call()
					v, ok := q.TryPop()
					rec.ret(call, qIn{op: k}, qOut{v: v, ok: ok})
				case qPush:
					next++
					call := rec.call()
					err := q.Push(ctx, next)
					kind := classifyErr(err, o.ErrClosed)
					rec.ret(call, qIn{op: k, v: next}, qOut{ok: kind == qErrNone, err: kind})
				case qPop:
					call := rec.call()
					v, err := q.Pop(ctx)
					kind := classifyErr(err, o.ErrClosed)
					rec.ret(call, qIn{op: k}, qOut{v: v, ok: kind == qErrNone, err: kind})
				case qClose:
					call := rec.call()
					q.Close()
					rec.ret(call, qIn{op: k}, qOut{})
				}
				cancel()
				rec.between(jit[i])
			}
		})
	}
	sc.teardown = func(rec *recorder) { drainQueue(q, rec) }
	return sc
}
