package stress

import (
	"fmt"
	"runtime"
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
// It fails t with the first violations found, the round's parameters and
// the seed. GOMAXPROCS is restored when it returns. A round that makes no
// progress for a minute (a queue that stays full although consumers pop)
// is reported as a violation rather than hanging the test.
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

// violations collects the first few problems found by concurrent workers.
type violations struct {
	mu    sync.Mutex
	n     int
	first []string
}

func (v *violations) add(format string, args ...any) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.n++
	if len(v.first) < 10 {
		v.first = append(v.first, fmt.Sprintf(format, args...))
	}
}

func (v *violations) err() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.n == 0 {
		return nil
	}
	return fmt.Errorf("%d violation(s):\n  %s", v.n, strings.Join(v.first, "\n  "))
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

// stallLimit is how long a hammer round may go without any push or pop
// before it is reported as stuck.
const stallLimit = time.Minute

// watchdog waits for wg; if progress stops changing for stallLimit it sets
// abort, records a violation and keeps waiting for the workers to give up.
func watchdog(wg *sync.WaitGroup, progress *atomic.Int64, abort *atomic.Bool, vs *violations, what func() string) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	last, lastChange := progress.Load(), time.Now()
	for {
		select {
		case <-done:
			return
		case now := <-tick.C:
			if p := progress.Load(); p != last {
				last, lastChange = p, now
			} else if !abort.Load() && now.Sub(lastChange) > stallLimit {
				vs.add("no progress for %v (%s): stuck", stallLimit, what())
				abort.Store(true)
			}
		}
	}
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
	var (
		bar              barrier
		wg               sync.WaitGroup
		progress, popped atomic.Int64
		producing        atomic.Int32
		abort            atomic.Bool
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
	watchdog(&wg, &progress, &abort, vs, func() string {
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
