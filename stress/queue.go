package stress

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Queue is the view of a FIFO queue of uint64 that the queue checks drive.
// xbeam's *queue.Bounded[uint64] and *queue.Unbounded[uint64] satisfy it as
// they are, and so does any queue with these two methods.
//
// Both methods must be safe for concurrent use and must never wait:
// TryPush reports whether v was enqueued (false when full), TryPop returns
// the oldest item and true, or false when the queue is empty.
//
// If the queue also has a Len() int method, CheckQueue checks it as well:
// never negative, never above Options.Capacity (when set), and exactly 0
// once the queue has been drained.
type Queue interface {
	TryPush(v uint64) bool
	TryPop() (uint64, bool)
}

// lener is the optional Len method of a Queue.
type lener interface{ Len() int }

// CheckQueue is the conservation hammer for a Queue. For every GOMAXPROCS
// value in opts.Procs and every pair of opts.Producers and opts.Consumers,
// it builds a fresh queue with newQueue, starts the producers and consumers
// behind one barrier, has the producers push opts.Items distinct values
// between them (retrying while the queue is full) while the consumers pop,
// drains the queue, and then checks:
//
//   - exactly once: every pushed value was popped once, none was lost or
//     duplicated, and no value was popped that nobody pushed;
//   - per-producer FIFO: each consumer sees the values of one producer in
//     the order that producer pushed them;
//   - Len (if the queue has one) stays within [0, Capacity] and is 0 at the
//     end.
//
// The first violation stops the round. It fails t with the violations
// found, the round's parameters and the seed. A round in which no push or
// pop completes for opts.Stall (a queue that stays full although
// consumers pop, or an operation that never returns) fails with "no
// progress" first and every goroutine's stack, rather than hanging the
// test; goroutines stuck inside the queue are left behind. GOMAXPROCS is
// restored when it returns.
//
// CheckQueue must be called from the test's goroutine.
func CheckQueue(t testing.TB, newQueue func() Queue, opts Options) {
	t.Helper()
	o := opts.defaults()
	round := uint64(0)
	for _, procs := range o.Procs {
		for _, p := range o.Producers {
			for _, c := range o.Consumers {
				round++
				var err error
				withProcs(procs, func() { err = hammerQueue(newQueue(), p, c, o, round) })
				if err != nil {
					t.Fatalf("stress: CheckQueue: producers=%d consumers=%d GOMAXPROCS=%d items=%d: %v\n%s",
						p, c, procs, o.Items, err, o.reproduce())
				}
			}
		}
	}
}

// Values pushed by the hammers encode their producer and sequence number, so
// that a consumer can check order and the harness can spot invented values:
// v = (producer+1)<<valueShift | (seq+1). Zero is never pushed, so a queue
// that returns a zeroed slot is caught.
const valueShift = 40

func hammerValue(producer, seq int) uint64 {
	return uint64(producer+1)<<valueShift | uint64(seq+1)
}

// violations collects the problems found by concurrent workers. The first
// one stops the round (stop is set), since a round that has gone wrong can
// only waste time: a queue that duplicated an item lets the consumers stop
// early and leaves the producers waiting on a full queue.
type violations struct {
	stop  atomic.Bool
	mu    sync.Mutex
	n     int
	cause string // a stall, printed before the violations that led to it
	first []string
}

func (v *violations) add(format string, args ...any) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.n++
	if len(v.first) < 10 {
		v.first = append(v.first, fmt.Sprintf(format, args...))
	}
	v.stop.Store(true)
}

// stalled records that the round made no progress; msg goes first in the
// report, followed by the goroutines' stacks.
func (v *violations) stalled(msg string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.n++
	v.cause = msg
	v.stop.Store(true)
}

func (v *violations) err() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.n == 0 {
		return nil
	}
	var b strings.Builder
	if v.cause != "" {
		fmt.Fprintf(&b, "%s\n", v.cause)
	}
	fmt.Fprintf(&b, "%d violation(s)", v.n)
	if len(v.first) > 0 {
		fmt.Fprintf(&b, ":\n  %s", strings.Join(v.first, "\n  "))
		if v.n > len(v.first) {
			fmt.Fprintf(&b, "\n  ... and %d more", v.n-len(v.first))
		}
	}
	return errors.New(b.String())
}

// tally counts how often each hammer value was taken.
type tally struct {
	producers, perProducer int
	counts                 []atomic.Uint32
}

func newTally(producers, perProducer int) *tally {
	return &tally{producers: producers, perProducer: perProducer, counts: make([]atomic.Uint32, producers*perProducer)}
}

// take records that v was taken and reports the problem if any.
func (ta *tally) take(v uint64, vs *violations, who string) (producer, seq int, ok bool) {
	producer = int(v>>valueShift) - 1
	seq = int(v&(1<<valueShift-1)) - 1
	if producer < 0 || producer >= ta.producers || seq < 0 || seq >= ta.perProducer {
		vs.add("%s took %#x, a value nobody pushed", who, v)
		return 0, 0, false
	}
	if n := ta.counts[producer*ta.perProducer+seq].Add(1); n == 2 {
		vs.add("%s took producer %d item %d a second time (duplicate)", who, producer, seq)
	}
	return producer, seq, true
}

// check reports lost values; it must run after every taker has finished.
func (ta *tally) check(vs *violations) {
	lost := 0
	for i := range ta.counts {
		if ta.counts[i].Load() == 0 {
			if lost < 3 {
				vs.add("producer %d item %d was pushed but never popped (lost)", i/ta.perProducer, i%ta.perProducer)
			}
			lost++
		}
	}
	if lost > 3 {
		vs.add("... %d items lost in all", lost)
	}
}

// watchdog waits for wg. If progress stops changing for stall it records
// "no progress" as the cause of the failure, with every goroutine's stack,
// sets vs.stop and gives the workers a moment (up to two seconds) to
// notice; a worker stuck inside the structure never returns, so it does
// not wait for them longer. The same holds after any other violation.
func watchdog(wg *sync.WaitGroup, progress *atomic.Int64, vs *violations, stall time.Duration, what func() string) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	tick := time.NewTicker(stallTick(stall))
	defer tick.Stop()
	last, lastChange := progress.Load(), time.Now()
	var (
		stoppedAt time.Time
		stuck     bool
	)
	for {
		select {
		case <-done:
			return
		case now := <-tick.C:
			if p := progress.Load(); p != last {
				last, lastChange = p, now
			} else if !stuck && now.Sub(lastChange) > stall {
				stuck = true
				vs.stalled(fmt.Sprintf("no progress for %v (%s): stuck; goroutines:\n%s",
					stall, what(), goroutineDump()))
			}
			if vs.stop.Load() {
				if stoppedAt.IsZero() {
					stoppedAt = now
				} else if now.Sub(stoppedAt) > min(stall, 2*time.Second) {
					// Workers that never see stop are stuck inside the
					// structure; report them rather than wait forever.
					if !stuck {
						vs.stalled(fmt.Sprintf("workers still running %v after a violation stopped the round (%s); goroutines:\n%s",
							now.Sub(stoppedAt).Truncate(time.Millisecond), what(), goroutineDump()))
					}
					return
				}
			}
		}
	}
}

// stallTick is how often a watchdog samples progress.
func stallTick(stall time.Duration) time.Duration {
	return min(max(stall/20, time.Millisecond), 250*time.Millisecond)
}

// goroutineDump returns the stacks of every goroutine, as a panic with
// GOTRACEBACK=all would print them.
func goroutineDump() string {
	var b strings.Builder
	if err := pprof.Lookup("goroutine").WriteTo(&b, 2); err != nil {
		return "(goroutine dump failed: " + err.Error() + ")"
	}
	return b.String()
}

// barrier releases n goroutines at once.
type barrier struct{ ready atomic.Int32 }

// Waiters spin and yield only every 64 checks, so that the goroutines that
// are on a P when the last one arrives all leave within nanoseconds of each
// other (yielding at every check would spread their starts over the
// scheduler's latency and let short operations run one after another
// instead of overlapping).
func (b *barrier) wait(n int) {
	b.ready.Add(1)
	for i := 1; b.ready.Load() < int32(n); i++ {
		if i%64 == 0 {
			runtime.Gosched()
		}
	}
}

// emptyStreak is how many consecutive failed TryPops a consumer (or the
// final drain) needs, after every producer has finished, to conclude that
// the queue is empty. A correct queue is never wrong here; the final drain
// runs on a quiescent queue.
const emptyStreak = 64

func hammerQueue(q Queue, producers, consumers int, o Options, round uint64) error {
	per := max(o.Items/producers, 1)
	total := int64(per * producers)
	ta := newTally(producers, per)
	vs := &violations{}
	abort := &vs.stop
	var (
		bar              barrier
		wg               sync.WaitGroup
		progress, popped atomic.Int64
		producing        atomic.Int32
		ln, hasLen       = q.(lener)
		checkLen         = func(string) {}
	)
	if hasLen {
		checkLen = func(who string) {
			if n := ln.Len(); n < 0 || (o.Capacity > 0 && n > o.Capacity) {
				vs.add("%s saw Len() = %d, outside [0, %d]", who, n, o.Capacity)
			}
		}
	}
	producing.Store(int32(producers))
	for p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer producing.Add(-1)
			r := newRand(o.Seed, round<<16|uint64(p))
			bar.wait(producers + consumers)
			for s := range per {
				v := hammerValue(p, s)
				for !q.TryPush(v) {
					if abort.Load() {
						return
					}
					runtime.Gosched()
				}
				progress.Add(1)
				if r.IntN(64) == 0 {
					runtime.Gosched()
				}
			}
		}()
	}
	for c := range consumers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			who := fmt.Sprintf("consumer %d", c)
			last := make([]int, producers)
			for i := range last {
				last[i] = -1
			}
			bar.wait(producers + consumers)
			fails := 0
			for !abort.Load() && popped.Load() < total {
				v, ok := q.TryPop()
				if !ok {
					if producing.Load() == 0 {
						if fails++; fails >= emptyStreak {
							return
						}
					}
					runtime.Gosched()
					continue
				}
				fails = 0
				n := popped.Add(1)
				progress.Add(1)
				if p, s, ok := ta.take(v, vs, who); ok {
					if s < last[p] {
						vs.add("%s took producer %d item %d after item %d (per-producer FIFO order broken)", who, p, s, last[p])
					}
					last[p] = s
				}
				if n%256 == 0 {
					checkLen(who)
				}
			}
		}()
	}
	watchdog(&wg, &progress, vs, o.Stall, func() string {
		return fmt.Sprintf("%d of %d items popped; producers still pushing: %d", popped.Load(), total, producing.Load())
	})
	if abort.Load() {
		return vs.err()
	}
	// Final drain on the quiescent queue: whatever is left was pushed and
	// not popped by the consumers, which exit early only on an empty streak.
	for fails := 0; fails < emptyStreak; {
		if v, ok := q.TryPop(); ok {
			fails = 0
			ta.take(v, vs, "the final drain")
		} else {
			fails++
		}
	}
	ta.check(vs)
	o.Stats.addRound(progress.Load())
	if hasLen {
		if n := ln.Len(); n != 0 {
			vs.add("Len() = %d after the queue was drained", n)
		}
	}
	return vs.err()
}
