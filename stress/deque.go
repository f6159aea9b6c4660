package stress

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// StealResult is the outcome of a steal. Its values are those of xbeam's
// deque.Status (Empty, Success, Retry), so a Status converts with
// StealResult(st).
type StealResult int

const (
	// StealEmpty: the source was observed empty; nothing was taken.
	StealEmpty StealResult = iota
	// StealSuccess: at least one item was taken.
	StealSuccess
	// StealRetry: a race was lost; nothing was taken, the source may not
	// be empty. Never returned when no other goroutine touches the source.
	StealRetry
)

// String returns "Empty", "Success" or "Retry".
func (s StealResult) String() string {
	switch s {
	case StealEmpty:
		return "Empty"
	case StealSuccess:
		return "Success"
	case StealRetry:
		return "Retry"
	}
	return fmt.Sprintf("StealResult(%d)", int(s))
}

// Flavor is the end a deque's owner pops from.
type Flavor int

const (
	// FIFO: the owner pops the oldest item (the same end as thieves).
	FIFO Flavor = iota + 1
	// LIFO: the owner pops the newest item (thieves take the oldest).
	LIFO
)

// String returns "FIFO" or "LIFO".
func (f Flavor) String() string {
	switch f {
	case FIFO:
		return "FIFO"
	case LIFO:
		return "LIFO"
	}
	return fmt.Sprintf("Flavor(%d)", int(f))
}

func (f Flavor) check() {
	if f != FIFO && f != LIFO {
		panic("stress: deque flavor must be FIFO or LIFO")
	}
}

// Deque is the view of a work-stealing deque of uint64 that the deque
// checks drive (the owner's side; see Stealer for the thieves'). A Deque
// belongs to one goroutine at a time, its owner: Push, Pop and being the
// dst of a batch steal are owner-only. Stealer may be called by the owner
// and returns a handle for any other goroutine.
//
// xbeam's deque plugs in with AdaptDeque:
//
//	stress.AdaptDeque(deque.NewLIFO[uint64]())
type Deque interface {
	// Push adds v at the owner's end.
	Push(v uint64)
	// Pop removes the newest (LIFO) or oldest (FIFO) item, or reports
	// false if the deque is empty.
	Pop() (uint64, bool)
	// Stealer returns a new handle for stealing from this deque.
	Stealer() Stealer
}

// Stealer is the thieves' view of a Deque. Its methods are safe for
// concurrent use. Steals take the oldest items.
type Stealer interface {
	// Steal takes the oldest item.
	Steal() (uint64, StealResult)
	// StealBatch moves a batch of the oldest items (at least one if the
	// source is not empty, about half of it) into dst, a Deque made by the
	// same constructor and owned by the caller.
	StealBatch(dst Deque) StealResult
	// StealBatchAndPop is StealBatch that also returns one of the stolen
	// items instead of leaving it in dst.
	StealBatchAndPop(dst Deque) (uint64, StealResult)
}

// WorkerOf is the shape of the owner's side of a generic work-stealing
// deque instantiated at uint64, as AdaptDeque expects it: xbeam's
// *deque.Worker[uint64] has it, with S = *deque.Stealer[uint64].
type WorkerOf[S any] interface {
	Push(v uint64)
	Pop() (uint64, bool)
	Stealer() S
}

// StealerOf is the shape of the thieves' side, as AdaptDeque expects it:
// W is the worker type (the dst of batch steals) and St the status type,
// an integer type with xbeam's values Empty=0, Success=1, Retry=2.
type StealerOf[W any, St ~int] interface {
	Steal() (uint64, St)
	StealBatch(dst W) St
	StealBatchAndPop(dst W) (uint64, St)
}

// AdaptDeque returns a Deque over w, for deques shaped like xbeam's:
//
//	newDeque := func() stress.Deque { return stress.AdaptDeque(deque.NewFIFO[uint64]()) }
//
// The dst of a batch steal through the adapter must itself come from
// AdaptDeque with the same type arguments (it panics otherwise).
func AdaptDeque[W WorkerOf[S], S StealerOf[W, St], St ~int](w W) Deque {
	return &adaptedDeque[W, S, St]{w: w}
}

type adaptedDeque[W WorkerOf[S], S StealerOf[W, St], St ~int] struct{ w W }

func (d *adaptedDeque[W, S, St]) Push(v uint64)       { d.w.Push(v) }
func (d *adaptedDeque[W, S, St]) Pop() (uint64, bool) { return d.w.Pop() }
func (d *adaptedDeque[W, S, St]) Stealer() Stealer {
	return adaptedStealer[W, S, St]{s: d.w.Stealer()}
}

type adaptedStealer[W WorkerOf[S], S StealerOf[W, St], St ~int] struct{ s S }

func unwrapDeque[W WorkerOf[S], S StealerOf[W, St], St ~int](dst Deque) W {
	d, ok := dst.(*adaptedDeque[W, S, St])
	if !ok {
		panic(fmt.Sprintf("stress: the dst of a batch steal must come from AdaptDeque with the same types, got %T", dst))
	}
	return d.w
}

func (a adaptedStealer[W, S, St]) Steal() (uint64, StealResult) {
	v, st := a.s.Steal()
	return v, StealResult(st)
}

func (a adaptedStealer[W, S, St]) StealBatch(dst Deque) StealResult {
	return StealResult(a.s.StealBatch(unwrapDeque[W, S, St](dst)))
}

func (a adaptedStealer[W, S, St]) StealBatchAndPop(dst Deque) (uint64, StealResult) {
	v, st := a.s.StealBatchAndPop(unwrapDeque[W, S, St](dst))
	return v, StealResult(st)
}

// CheckDeque is the conservation hammer for a work-stealing deque of the
// given flavor. For every GOMAXPROCS value in opts.Procs and every thief
// count in opts.Thieves it builds a fresh deque with newDeque; the owner
// pushes opts.Items distinct values in order, popping some of them as it
// goes (none, a third or two thirds, by round) and draining the rest at
// the end, while the thieves steal with Steal, StealBatch and
// StealBatchAndPop into deques of their own (made with newDeque) and drain
// those. It checks:
//
//   - exactly once: every pushed value is taken once (by Pop or a steal);
//   - steals take the oldest first: each thief's successive steals take
//     ever newer values, and no batch reaches back behind an earlier one;
//   - owner order: with LIFO, Pop returns the newest value the owner
//     pushed and has not popped, or false when thieves took everything;
//     with FIFO, the owner's pops are in push order;
//   - sequentially (no concurrency): Steal and batch steals on an empty
//     deque return StealEmpty, on a non-empty one StealSuccess (never
//     StealRetry without a race), and a batch from n items takes between
//     1 and ceil(n/2)+1 of the oldest.
//
// The first violation stops the round; a round without progress for
// opts.Stall fails with "no progress" and every goroutine's stack. It
// fails t with the violations, the round and the seed, and restores
// GOMAXPROCS. CheckDeque must be called from the test's goroutine.
func CheckDeque(t testing.TB, newDeque func() Deque, flavor Flavor, opts Options) {
	t.Helper()
	flavor.check()
	o := opts.defaults()
	if err := dequeSequential(newDeque, flavor); err != nil {
		t.Fatalf("stress: CheckDeque (%v, sequential): %v", flavor, err)
	}
	round := uint64(0)
	for _, procs := range o.Procs {
		for _, thieves := range o.Thieves {
			round++
			popPct := int(round%3) * 33
			var err error
			withProcs(procs, func() { err = hammerDeque(newDeque, flavor, thieves, popPct, o, round) })
			if err != nil {
				t.Fatalf("stress: CheckDeque (%v): thieves=%d GOMAXPROCS=%d items=%d owner pops %d%%: %v\n%s",
					flavor, thieves, procs, o.Items, popPct, err, o.reproduce())
			}
		}
	}
}

// dequeSequential checks what can only be checked without concurrency.
func dequeSequential(newDeque func() Deque, flavor Flavor) error {
	d, dst := newDeque(), newDeque()
	s := d.Stealer()
	if v, st := s.Steal(); st != StealEmpty {
		return fmt.Errorf("Steal on a new deque = %d, %v; want Empty", v, st)
	}
	if st := s.StealBatch(dst); st != StealEmpty {
		return fmt.Errorf("StealBatch on a new deque = %v; want Empty", st)
	}
	if v, st := s.StealBatchAndPop(dst); st != StealEmpty {
		return fmt.Errorf("StealBatchAndPop on a new deque = %d, %v; want Empty", v, st)
	}
	if v, ok := d.Pop(); ok {
		return fmt.Errorf("Pop on a new deque = %d, true", v)
	}
	next := uint64(1)
	for n := 1; n <= 70; n++ {
		for kind := range 3 {
			m := NewDequeModel[uint64](flavor)
			for range n {
				d.Push(next)
				m.Push(next)
				next++
			}
			name := stealNames[kind]
			st, taken := stealAndDrain(s, kind, dst)
			if st != StealSuccess {
				return fmt.Errorf("%s from %d items with no other goroutine = %v; want Success", name, n, st)
			}
			if kind > 0 && len(taken) > (n+1)/2+1 {
				return fmt.Errorf("%s from %d items took %d; at most ceil(n/2)+1 = %d allowed", name, n, len(taken), (n+1)/2+1)
			}
			if err := m.StealBatch(taken); err != nil {
				return fmt.Errorf("%s from %d items: %v", name, n, err)
			}
			for m.Len() > 0 {
				want, _ := m.Pop()
				got, ok := d.Pop()
				if !ok || got != want {
					return fmt.Errorf("after %s from %d items: Pop = %d, %v; want %d, true (%v)", name, n, got, ok, want, flavor)
				}
			}
			if v, ok := d.Pop(); ok {
				return fmt.Errorf("after %s from %d items and draining: Pop = %d, true; want empty", name, n, v)
			}
		}
	}
	return nil
}

// stealNames names the steal kinds of stealAndDrain.
var stealNames = [...]string{"Steal", "StealBatch", "StealBatchAndPop"}

// stealAndDrain runs one steal from s of the kind (0 Steal, 1 StealBatch,
// 2 StealBatchAndPop), batching into dst, the caller's own deque, and
// returns its result and the items it took: the one it returned, if it
// succeeded, and then every item of dst, which it drains.
func stealAndDrain(s Stealer, kind int, dst Deque) (StealResult, []uint64) {
	var taken []uint64
	var st StealResult
	switch kind {
	case 0:
		var v uint64
		if v, st = s.Steal(); st == StealSuccess {
			taken = append(taken, v)
		}
	case 1:
		st = s.StealBatch(dst)
	default:
		var v uint64
		if v, st = s.StealBatchAndPop(dst); st == StealSuccess {
			taken = append(taken, v)
		}
	}
	return st, drainInto(dst, taken)
}

// drainInto pops every item of d and appends them to items.
func drainInto(d Deque, items []uint64) []uint64 {
	for {
		v, ok := d.Pop()
		if !ok {
			return items
		}
		items = append(items, v)
	}
}

// thief is one stealing goroutine's state: per producer, the newest item
// it took, and its private dst deque for batch steals.
type thief struct {
	who   string
	last  []int // per producer: highest sequence taken, -1 if none
	ta    *tally
	vs    *violations
	batch []uint64
	r     *rand.Rand
	dst   Deque
	taken *atomic.Int64
}

func newThief(who string, ta *tally, vs *violations, r *rand.Rand, dst Deque, taken *atomic.Int64) *thief {
	th := &thief{who: who, last: make([]int, ta.producers), ta: ta, vs: vs, r: r, dst: dst, taken: taken}
	for i := range th.last {
		th.last[i] = -1
	}
	return th
}

// stealOnce takes from src with a randomly chosen steal and checks the
// items against the oldest-first rule. It returns the steal's result.
func (th *thief) stealOnce(steal func() (uint64, StealResult), batch func(Deque) StealResult,
	batchPop func(Deque) (uint64, StealResult)) StealResult {
	th.batch = th.batch[:0]
	var st StealResult
	switch k := th.r.IntN(4); k {
	case 0, 1:
		var v uint64
		if v, st = steal(); st == StealSuccess {
			th.batch = append(th.batch, v)
		}
	case 2:
		st = batch(th.dst)
	default:
		var v uint64
		if v, st = batchPop(th.dst); st == StealSuccess {
			th.batch = append(th.batch, v)
		}
	}
	th.batch = drainInto(th.dst, th.batch)
	switch {
	case st == StealSuccess && len(th.batch) == 0:
		th.vs.add("%s: a steal reported Success and took nothing", th.who)
	case st != StealSuccess && len(th.batch) > 0:
		th.vs.add("%s: a steal reported %v and took %d items", th.who, st, len(th.batch))
	}
	// Every item of this steal must be newer than every item this thief
	// took before from the same producer (within one batch, any order).
	newest := map[int]int{}
	for _, v := range th.batch {
		p, s, ok := th.ta.take(v, th.vs, th.who)
		if !ok {
			continue
		}
		if s <= th.last[p] {
			th.vs.add("%s stole producer %d item %d after item %d (steals must take the oldest first)", th.who, p, s, th.last[p])
		}
		if n, seen := newest[p]; !seen || s > n {
			newest[p] = s
		}
	}
	for p, s := range newest {
		th.last[p] = max(th.last[p], s)
	}
	th.taken.Add(int64(len(th.batch)))
	return st
}

func hammerDeque(newDeque func() Deque, flavor Flavor, thieves, popPct int, o Options, round uint64) error {
	d := newDeque()
	total := o.Items
	ta := newTally(1, total)
	vs := &violations{}
	abort := &vs.stop
	var (
		bar             barrier
		wg              sync.WaitGroup
		progress, taken atomic.Int64
		ownerDone       atomic.Bool
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer ownerDone.Store(true)
		r := newRand(o.Seed, round<<16)
		var mine []int // LIFO: the owner's own stack of items it has not popped
		lastPopped := -1
		pop := func() bool {
			v, ok := d.Pop()
			if !ok {
				mine = mine[:0] // thieves took the rest
				return false
			}
			taken.Add(1)
			progress.Add(1)
			p, s, valid := ta.take(v, vs, "the owner")
			if !valid || p != 0 {
				return true
			}
			switch flavor {
			case LIFO:
				if len(mine) == 0 || mine[len(mine)-1] != s {
					want := -1
					if len(mine) > 0 {
						want = mine[len(mine)-1]
					}
					vs.add("the owner popped item %d; want the newest, item %d (LIFO)", s, want)
					// Resynchronize: drop everything newer than s.
					for len(mine) > 0 && mine[len(mine)-1] >= s {
						mine = mine[:len(mine)-1]
					}
				} else {
					mine = mine[:len(mine)-1]
				}
			case FIFO:
				if s <= lastPopped {
					vs.add("the owner popped item %d after item %d (FIFO)", s, lastPopped)
				}
				lastPopped = s
			}
			return true
		}
		bar.wait(thieves + 1)
		for s := range total {
			if abort.Load() {
				return
			}
			d.Push(hammerValue(0, s))
			progress.Add(1)
			if flavor == LIFO {
				mine = append(mine, s)
			}
			if r.IntN(100) < popPct {
				pop()
			}
			if r.IntN(64) == 0 {
				runtime.Gosched()
			}
		}
		for pop() {
		}
	}()
	for i := range thieves {
		wg.Add(1)
		go func() {
			defer wg.Done()
			th := newThief(fmt.Sprintf("thief %d", i), ta, vs, newRand(o.Seed, round<<16|uint64(i+1)), newDeque(), &taken)
			s := d.Stealer()
			bar.wait(thieves + 1)
			empties := 0
			for !abort.Load() && taken.Load() < int64(total) {
				switch th.stealOnce(s.Steal, s.StealBatch, s.StealBatchAndPop) {
				case StealSuccess:
					empties = 0
					progress.Add(1)
				case StealEmpty:
					if ownerDone.Load() {
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
	// The owner drained until Pop failed; whatever a buggy deque still
	// holds is picked up here so that it is reported as misplaced, not lost.
	for fails := 0; fails < emptyStreak; fails++ {
		if v, ok := d.Pop(); ok {
			vs.add("Pop returned %#x after an earlier Pop by the owner reported the deque empty and no one pushed", v)
			ta.take(v, vs, "the final drain")
			fails = 0
		}
	}
	ta.check(vs)
	o.Stats.addRound(progress.Load())
	return vs.err()
}
