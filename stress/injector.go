package stress

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// Injector is the view of a global work-stealing FIFO (xbeam's
// deque.Injector) that the injector checks drive: any goroutine pushes,
// any goroutine steals the oldest items, alone or in batches into a Deque
// it owns. All methods must be safe for concurrent use.
type Injector interface {
	// Push adds v as the newest item.
	Push(v uint64)
	// Steal takes the oldest item.
	Steal() (uint64, StealResult)
	// StealBatch moves a batch of the oldest items (at least one if the
	// injector is not empty) into dst, a Deque owned by the caller.
	StealBatch(dst Deque) StealResult
	// StealBatchAndPop is StealBatch that also returns one of the stolen
	// items instead of leaving it in dst.
	StealBatchAndPop(dst Deque) (uint64, StealResult)
}

// InjectorOf is the shape of a generic injector instantiated at uint64, as
// AdaptInjector expects it: W is the worker type batches go into, St the
// status type (values as StealResult's).
type InjectorOf[W any, St ~int] interface {
	Push(v uint64)
	StealerOf[W, St]
}

// AdaptInjector returns an Injector over inj, for injectors shaped like
// xbeam's. The dst of its batch steals must come from AdaptDeque with the
// worker type W:
//
//	inj := stress.AdaptInjector(deque.NewInjector[uint64]())
//	newWorker := func() stress.Deque { return stress.AdaptDeque(deque.NewFIFO[uint64]()) }
func AdaptInjector[I InjectorOf[W, St], W WorkerOf[S], S StealerOf[W, St], St ~int](inj I) Injector {
	return adaptedInjector[I, W, S, St]{inj: inj}
}

type adaptedInjector[I InjectorOf[W, St], W WorkerOf[S], S StealerOf[W, St], St ~int] struct{ inj I }

func (a adaptedInjector[I, W, S, St]) Push(v uint64) { a.inj.Push(v) }

func (a adaptedInjector[I, W, S, St]) Steal() (uint64, StealResult) {
	v, st := a.inj.Steal()
	return v, StealResult(st)
}

func (a adaptedInjector[I, W, S, St]) StealBatch(dst Deque) StealResult {
	return StealResult(a.inj.StealBatch(unwrapDeque[W, S, St](dst)))
}

func (a adaptedInjector[I, W, S, St]) StealBatchAndPop(dst Deque) (uint64, StealResult) {
	v, st := a.inj.StealBatchAndPop(unwrapDeque[W, S, St](dst))
	return v, StealResult(st)
}

// CheckInjector is the conservation hammer for an Injector. For every
// GOMAXPROCS value in opts.Procs, producer count in opts.Producers and
// thief count in opts.Thieves, it builds a fresh injector; the producers
// push opts.Items distinct values between them while the thieves take with
// Steal, StealBatch and StealBatchAndPop (into workers from newWorker,
// drained at once). It checks that every value is taken exactly once and
// that each thief takes each producer's values in push order (batches
// never reach back behind an earlier steal). The first violation stops the
// round; a round without progress for opts.Stall (a steal that waits
// forever for a push that never lands) fails with "no progress" and every
// goroutine's stack. It must be called from the test's goroutine;
// GOMAXPROCS is restored.
func CheckInjector(t testing.TB, newInjector func() Injector, newWorker func() Deque, opts Options) {
	t.Helper()
	o := opts.defaults()
	if err := injectorSequential(newInjector(), newWorker()); err != nil {
		t.Fatalf("stress: CheckInjector (sequential): %v", err)
	}
	round := uint64(0)
	for _, procs := range o.Procs {
		for _, p := range o.Producers {
			for _, th := range o.Thieves {
				round++
				var err error
				withProcs(procs, func() { err = hammerInjector(newInjector(), newWorker, p, th, o, round) })
				if err != nil {
					t.Fatalf("stress: CheckInjector: producers=%d thieves=%d GOMAXPROCS=%d items=%d: %v\n%s",
						p, th, procs, o.Items, err, o.reproduce())
				}
			}
		}
	}
}

// injectorSequential checks FIFO order and the status rules without
// concurrency.
func injectorSequential(inj Injector, dst Deque) error {
	if v, st := inj.Steal(); st != StealEmpty {
		return fmt.Errorf("Steal on a new injector = %d, %v; want Empty", v, st)
	}
	if st := inj.StealBatch(dst); st != StealEmpty {
		return fmt.Errorf("StealBatch on a new injector = %v; want Empty", st)
	}
	m := NewDequeModel[uint64](FIFO)
	next := uint64(1)
	for n := 1; n <= 150; n += 7 {
		for range n {
			inj.Push(next)
			m.Push(next)
			next++
		}
		for m.Len() > 0 {
			st, taken := stealAndDrain(inj, m.Len()%3, dst)
			if st != StealSuccess {
				return fmt.Errorf("a steal from %d items with no other goroutine = %v; want Success", m.Len(), st)
			}
			if err := m.StealBatch(taken); err != nil {
				return err
			}
		}
		if v, st := inj.Steal(); st != StealEmpty {
			return fmt.Errorf("Steal after taking every item = %d, %v; want Empty", v, st)
		}
	}
	return nil
}

func hammerInjector(inj Injector, newWorker func() Deque, producers, thieves int, o Options, round uint64) error {
	per := max(o.Items/producers, 1)
	total := int64(per * producers)
	ta := newTally(producers, per)
	vs := &violations{}
	abort := &vs.stop
	var (
		bar             barrier
		wg              sync.WaitGroup
		progress, taken atomic.Int64
		producing       atomic.Int32
	)
	producing.Store(int32(producers))
	for p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer producing.Add(-1)
			r := newRand(o.Seed, round<<16|uint64(p))
			bar.wait(producers + thieves)
			for s := range per {
				if abort.Load() {
					return
				}
				inj.Push(hammerValue(p, s))
				progress.Add(1)
				if r.IntN(64) == 0 {
					runtime.Gosched()
				}
			}
		}()
	}
	for i := range thieves {
		wg.Add(1)
		go func() {
			defer wg.Done()
			th := newThief(fmt.Sprintf("thief %d", i), ta, vs, newRand(o.Seed, round<<16|uint64(1000+i)), newWorker(), &taken)
			bar.wait(producers + thieves)
			empties := 0
			for !abort.Load() && taken.Load() < total {
				switch th.stealOnce(inj.Steal, inj.StealBatch, inj.StealBatchAndPop) {
				case StealSuccess:
					empties = 0
					progress.Add(1)
				case StealEmpty:
					if producing.Load() == 0 {
						if empties++; empties >= emptyStreak {
							return
						}
					}
					runtime.Gosched()
				default:
					runtime.Gosched()
				}
			}
		}()
	}
	watchdog(&wg, &progress, vs, o.Stall, func() string {
		return fmt.Sprintf("%d of %d items taken", taken.Load(), total)
	})
	if abort.Load() {
		return vs.err()
	}
	for fails := 0; fails < emptyStreak; fails++ {
		if v, st := inj.Steal(); st == StealSuccess {
			ta.take(v, vs, "the final drain")
			fails = 0
		}
	}
	ta.check(vs)
	o.Stats.addRound(progress.Load())
	return vs.err()
}

// CheckInjectorLinearizable runs opts.Histories short concurrent scenarios
// on fresh injectors, each several times (see Options.Histories), and
// checks the recorded histories with porcupine against a
// sequential FIFO (DequeModel with FIFO, no owner pops): 1 to 3 pushers
// and 2 to 4 thieves of 5 to 10 operations each (in xbeam_chaos builds:
// 2 or 3 thieves, everyone 5 or 6 operations), thieves mixing Steal,
// StealBatch and StealBatchAndPop into workers from newWorker, with the
// same rules and reports as CheckDequeLinearizable, and a final drain with
// Steal (recorded). It must be called from
// the test's goroutine.
func CheckInjectorLinearizable(t testing.TB, newInjector func() Injector, newWorker func() Deque, opts Options) {
	t.Helper()
	o := opts.defaults()
	c := &linChecker{model: dequeLinModel(FIFO), opts: o, name: "CheckInjectorLinearizable"}
	r := newRand(o.Seed, 3<<40)
	for h := range o.Histories {
		procs := o.Procs[h%len(o.Procs)]
		c.runHistory(t, r, procs, func(r *rand.Rand) scenario { return injectorScenario(newInjector(), newWorker, r) }, nil, "injector")
	}
	t.Logf("stress: CheckInjectorLinearizable: %s linearizable", c.summary())
}

func injectorScenario(inj Injector, newWorker func() Deque, r *rand.Rand) (sc scenario) {
	if r.IntN(2) == 0 {
		n := 1 + r.IntN(6)
		sc.setup = func(rec *recorder) {
			for i := range n {
				v := uint64(i + 1)
				call := rec.call()
				inj.Push(v)
				rec.ret(call, dIn{op: dPush, v: v}, dOut{})
			}
		}
	}
	pushers := 1 + r.IntN(3)
	for p := range pushers {
		ops := 5 + r.IntN(extraOps+1)
		jit := make([]uint64, ops)
		for i := range jit {
			jit[i] = r.Uint64()
		}
		sc.clients = append(sc.clients, func(rec *recorder) {
			for i := range ops {
				v := uint64(p+1)*100 + uint64(i+1)
				call := rec.call()
				inj.Push(v)
				rec.ret(call, dIn{op: dPush, v: v}, dOut{})
				rec.between(jit[i])
			}
		})
	}
	thieves := 2 + r.IntN(min(extraClients, 2)+1)
	for range thieves {
		sc.clients = append(sc.clients, thiefClient(inj.Steal, inj.StealBatch, inj.StealBatchAndPop, newWorker(), r))
	}
	sc.teardown = func(rec *recorder) {
		for range 1000 {
			call := rec.call()
			v, st := inj.Steal()
			out := dOut{st: st}
			if st == StealSuccess {
				out.items = encodeSorted([]uint64{v})
			}
			rec.ret(call, dIn{op: dSteal}, out)
			if st == StealEmpty {
				return
			}
		}
	}
	return sc
}
