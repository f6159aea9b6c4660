package stress

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/xbeam/xbeam/atomicx"
)

// This file holds what the linearizability checks share: recording a
// history, checking it with porcupine, minimizing a violation and reporting
// it. The approach follows Lincheck (JetBrains): many small random
// concurrent scenarios rather than a few large ones, since a violation
// almost always needs only a handful of operations, and small histories
// keep the NP-hard check (Herlihy and Wing, TOPLAS 1990; porcupine
// implements Lowe's "Testing for Linearizability", 2017, with
// P-compositionality from Horn and Kroening, 2015) to milliseconds.

// opClass says how removing an operation from a history affects the others,
// which decides what the minimizer may remove. A removal is allowed only if
// it is monotone: a history that was linearizable stays linearizable, so
// the minimized history is still a genuine witness of the violation.
type opClass uint8

const (
	// classValue: the operation inserted or took items (its values tie it
	// to the operations that took or inserted the same items).
	classValue opClass = 1 << iota
	// classNeedsFull: the outcome required the structure to be full
	// (removing items elsewhere could make it legal-looking or illegal).
	classNeedsFull
	// classNeedsClosed: the outcome required the structure to be closed.
	classNeedsClosed
	// classClose: the operation closed the structure.
	classClose
)

// linModel is a porcupine model plus what the minimizer needs to know
// about each operation.
type linModel struct {
	porcupine.Model
	// classify returns the class of an operation and the items it touched.
	classify func(in, out any) (opClass, []uint64)
	// narrow, if not nil, returns a history with the same linearizations
	// as h and intervals no wider, for porcupine to search (reports show
	// h). nil leaves h as it is.
	narrow func(h []porcupine.Operation) []porcupine.Operation
}

// recorder records one client's operations of a history with a logical
// clock shared by the history's clients: a sequentially consistent counter
// (sync/atomic, deliberately not atomicx: the chaos build must not widen
// the gap between a timestamp and the operation). A response increments
// it and is stamped twice the new value, an even time; an invocation only
// loads it and is stamped twice that plus one, an odd time. So if
// operation A returned before B was called, B's load sees A's increment or
// a later one and A.Return < B.Call; if B was called before A returned,
// A's increment comes after B's load and B.Call < A.Return, as it must be
// for operations that overlap. An invocation is stamped with a load, not
// an increment, so that recording writes the clock's cache line once per
// operation: every write moves the line between the clients' cores, which
// serializes them.
type recorder struct {
	clock  *atomic.Int64
	client int
	ops    []porcupine.Operation
	run    *clientRun // nil for setup and teardown
	sink   uint64     // written by spin
}

// call stamps the invocation of an operation.
func (r *recorder) call() int64 { return 2*r.clock.Load() + 1 }

// stamp returns the time of a response (see recorder).
func (r *recorder) stamp() int64 { return 2 * r.clock.Add(1) }

// ret stamps the response and records the operation.
func (r *recorder) ret(call int64, in, out any) {
	ret := r.stamp()
	r.ops = append(r.ops, porcupine.Operation{ClientId: r.client, Input: in, Call: call, Output: out, Return: ret})
}

// opsCap is the capacity a recorder's operations start with: enough for a
// client's operations, so that recording one does not call into the
// runtime to grow the slice, which would be a preemption point between
// two operations of the client.
const opsCap = 16

// between runs between two operations of a client, with a random x: in a
// lockstep schedule it waits for every other client to finish its
// operation, so that the next ones start together; then it delays the
// client by a small random amount (see jitter).
func (r *recorder) between(x uint64) {
	if r.run != nil && r.run.interrupt {
		// Go on at once after the signal, so that this client's next
		// operations run while the other one is stopped.
		if x%interruptEvery == 0 {
			r.run.interruptOther(r.client, x/interruptEvery)
		} else if r.jitter(x / interruptEvery) {
			// It may have moved to another thread.
			r.run.threads[r.client].Store(threadID())
		}
		return
	}
	if r.run != nil && r.run.lockstep {
		r.run.rounds.wait()
		// The last client to arrive leaves first and the others see the
		// release a cache miss later: a random short spin lets either one
		// start first.
		r.spin(x >> 8 % 256)
		return
	}
	r.jitter(x)
}

// scenario is one history to run: setup runs first, alone, as client 0
// (for example a pre-fill); then every client runs in its own goroutine,
// under a schedule; then teardown runs alone as client 0
// (for example a drain, which turns a lost item into a violation).
type scenario struct {
	setup, teardown func(r *recorder)
	clients         []func(r *recorder)
}

// schedule is how the clients of a history are driven into overlapping
// each other. Operations of tens of nanoseconds rarely overlap on their
// own: a client often finishes before the next one is scheduled, and a
// thread is almost never interrupted in the middle of an operation. Each
// run draws one of four schedules (see pickSchedule for how often):
//
//   - free: released together once, with random small delays between
//     operations;
//   - lockstep: released together before every operation (a barrier per
//     round), so that the i-th operations of all clients start within
//     nanoseconds of each other whenever the clients have processors
//     (not drawn when GOMAXPROCS exceeds the number of CPUs);
//   - preempt: free, and a further goroutine stops the world
//     (runtime.ReadMemStats) once while the clients run.
//     Stopping the world preempts every running client wherever it is,
//     often in the middle of an operation, and puts it on the global run
//     queue, so that other clients run whole operations while it is
//     suspended: a slow-thread window that otherwise needs an unlucky
//     operating-system preemption. It works on any structure, including
//     those that never call into xbeam. The runtime, though, usually stops
//     a goroutine at the next function entry rather than where it is;
//   - interrupt (Linux): free, and between its operations a client now
//     and then interrupts the thread of another running client with a
//     signal (see interruptThread) and goes on at once with its own
//     operations. The interrupted thread stops wherever it is, also
//     between two instructions with no call between them, such as a
//     ring's claim of a slot and its publication, for the microseconds
//     the signal takes: a slow thread that other clients overtake.
type schedule uint8

const (
	schedFree schedule = iota
	schedLockstep
	schedPreempt
	schedInterrupt
)

func (s schedule) String() string {
	return [...]string{"free", "lockstep", "preempt", "interrupt"}[s]
}

// pickSchedule draws the schedule of one run with GOMAXPROCS procs: free
// in four runs of eight (six where interrupt is not available), lockstep
// and preempt in one each, interrupt in two. Lockstep is not drawn when
// GOMAXPROCS exceeds the number of CPUs, since a round would wait for
// threads the operating system has not scheduled.
func pickSchedule(r *rand.Rand, procs int) schedule {
	s := [8]schedule{schedFree, schedFree, schedFree, schedFree, schedLockstep, schedPreempt,
		schedInterrupt, schedInterrupt}[r.IntN(8)]
	if s == schedInterrupt && !canInterrupt || s == schedLockstep && procs > runtime.NumCPU() {
		s = schedFree
	}
	return s
}

// clientRun is the shared state of one run of a scenario's clients.
type clientRun struct {
	lockstep  bool
	interrupt bool
	rounds    roundBarrier
	running   atomic.Int32
	// threads holds, under the interrupt schedule, the thread each client
	// ran on when it started (0 once it has finished).
	threads []atomic.Int64
}

// interruptEvery: under the interrupt schedule a client interrupts
// another after about one operation in interruptEvery.
const interruptEvery = 3

// interruptOther interrupts the thread of a client other than self, chosen
// by x, if it is still running.
func (run *clientRun) interruptOther(self int, x uint64) {
	n := len(run.threads)
	if n < 2 {
		return
	}
	j := (self + 1 + int(x%uint64(n-1))) % n
	if tid := run.threads[j].Load(); tid != 0 {
		interruptThread(tid)
	}
}

// roundBarrier releases the clients still running together; a client that
// has finished its operations leaves it. Waiters spin as barrier does.
type roundBarrier struct {
	mu      sync.Mutex
	active  int
	arrived int
	gen     atomic.Uint64
	stopped atomic.Bool // set when the run is abandoned: waits return at once
}

func (b *roundBarrier) wait() {
	b.mu.Lock()
	g := b.gen.Load()
	if b.arrived++; b.arrived >= b.active {
		b.arrived = 0
		b.gen.Add(1)
		b.mu.Unlock()
		return
	}
	b.mu.Unlock()
	for i := 1; b.gen.Load() == g && !b.stopped.Load(); i++ {
		if i%64 == 0 {
			runtime.Gosched()
		}
	}
}

func (b *roundBarrier) leave() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.active--; b.active > 0 && b.arrived >= b.active {
		b.arrived = 0
		b.gen.Add(1)
	}
}

// runClients runs one scenario under schedule s (x seeds the preempting
// goroutine's timing) and returns the operations of all clients. If the
// clients have not finished after stall, it returns a report of the stuck
// run with every goroutine's stack instead; the stuck clients are left
// behind.
func runClients(sc scenario, s schedule, x uint64, stall time.Duration) ([]porcupine.Operation, string) {
	clients := sc.clients
	var clock atomic.Int64
	run := &clientRun{lockstep: s == schedLockstep, interrupt: s == schedInterrupt}
	if run.interrupt {
		run.threads = make([]atomic.Int64, len(clients))
	}
	run.rounds.active = len(clients)
	run.running.Store(int32(len(clients)))
	recs := make([]*recorder, len(clients))
	for i := range recs {
		recs[i] = &recorder{clock: &clock, client: i, ops: make([]porcupine.Operation, 0, opsCap)}
	}
	if sc.setup != nil {
		sc.setup(recs[0])
	}
	for _, r := range recs {
		r.run = run
	}
	preempt := s == schedPreempt
	parties := len(clients)
	if preempt {
		parties++
	}
	var (
		wg  sync.WaitGroup
		bar barrier
	)
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer run.running.Add(-1)
			defer run.rounds.leave()
			bar.wait(parties)
			if run.interrupt {
				// A client that yields may move to another thread: it
				// records its thread again after its own yields, and
				// one that moved inside the structure is harmless to
				// signal.
				run.threads[i].Store(threadID())
				defer run.threads[i].Store(0)
			}
			c(recs[i])
		}()
	}
	if preempt {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bar.wait(parties)
			var (
				ms   runtime.MemStats
				self recorder
			)
			self.spin(x % 512)
			if run.running.Load() > 0 {
				runtime.ReadMemStats(&ms)
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	timer := time.NewTimer(stall)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		run.rounds.stopped.Store(true)
		return nil, fmt.Sprintf("no progress for %v: %d of %d clients of a %s history have not finished; goroutines:\n%s",
			stall, run.running.Load(), len(clients), s, goroutineDump())
	}
	for _, r := range recs {
		r.run = nil
	}
	if sc.teardown != nil {
		sc.teardown(recs[0])
	}
	var all []porcupine.Operation
	for _, r := range recs {
		all = append(all, r.ops...)
	}
	return all, ""
}

// History shape: 3 to 3+extraClients goroutines (the deque's owner plus 2
// to 2+extraClients thieves) of 5 to 5+extraOps operations each. Under
// the xbeam_chaos tag nearly every operation overlaps many others, and
// porcupine's search grows quickly with the number of concurrent
// operations, so chaos builds record smaller histories: at most 4
// goroutines of 6 operations instead of 6 of 10.
var extraClients, extraOps = 3, 5

func init() {
	if atomicx.ChaosEnabled {
		extraClients, extraOps = 1, 1
	}
}

// jitter delays a client by a random small amount between operations so
// that different interleavings come up: mostly nothing, sometimes a short
// spin, sometimes a yield (then it returns true).
func (r *recorder) jitter(x uint64) bool {
	switch x % 8 {
	case 0, 1:
		runtime.Gosched()
		return true
	case 2, 3:
		r.spin(x >> 3 % 256)
	}
	return false
}

// spin busy-waits for about n short steps, on memory of its own client so
// that spinning clients do not slow each other down.
func (r *recorder) spin(n uint64) {
	for range n {
		r.sink++
	}
}

// linChecker runs porcupine on histories and reports violations.
type linChecker struct {
	model   linModel
	opts    Options
	name    string // e.g. "CheckQueueLinearizable"
	checked int    // histories checked
	ops     int    // operations checked
	// Scenarios run (see seekRuns), numbering them; the scenarios run at
	// each GOMAXPROCS; runs of the scenarios, and those that overlapped.
	scenarios             int
	byProcs               map[int]*scenarioCount
	runs, runsOverlapping int
}

// scenarioCount counts the scenarios run at one GOMAXPROCS, and those of
// which at least one run overlapped.
type scenarioCount struct{ all, overlapped int }

// A scenario is run several times, each on a fresh structure with the same
// operations and a new schedule, and each run whose clients' operations
// overlapped is checked, up to maxChecked of them; if none overlapped, the
// last run is checked. A run whose operations do not overlap is a
// sequential history: it tests what a single goroutine could, which the
// many other histories test as well. Each overlapping run is a different
// interleaving of the same operations, so checking several finds a
// violation that needs a rare interleaving in fewer scenarios.
//
// Until a run has overlapped, the scenario is run again for up to seekRuns
// runs or seekBudget of wall time spent running it; once one has, for up
// to maxRuns runs or runBudget. The longer search is for a machine that
// other processes share: two clients can overlap only while the operating
// system gives the test two CPUs at once, which on a busy machine happens
// in stretches of a few scheduler time slices (milliseconds), longer than
// a run (tens of microseconds).
const (
	maxRuns    = 16
	maxChecked = 4
	runBudget  = time.Millisecond
	seekRuns   = 64
	seekBudget = 8 * time.Millisecond
)

// runHistory builds a scenario with build (from a fresh generator seeded
// from r, so that every run gets the same operations), runs it under
// GOMAXPROCS procs and schedules drawn from r (see seekRuns), checks the
// runs that overlapped and fails t on a violation or a stuck run.
// prepare, if not nil, adjusts each history before the check.
func (c *linChecker) runHistory(t testing.TB, r *rand.Rand, procs int, build func(*rand.Rand) scenario,
	prepare func([]porcupine.Operation), desc string) {
	t.Helper()
	seed := r.Uint64()
	type run struct {
		hist []porcupine.Operation
		s    schedule
		n    int
	}
	var (
		last  run
		check []run
		stuck string
		runs  int
	)
	withProcs(procs, func() {
		var spent time.Duration
		// With one processor, operations overlap only if the runtime
		// preempts a client in the middle of one: one run is enough.
		more := func() bool {
			if runs == 0 {
				return true
			}
			if procs == 1 || len(check) >= maxChecked {
				return false
			}
			if len(check) == 0 {
				return runs < seekRuns && spent < seekBudget
			}
			return runs < maxRuns && spent < runBudget
		}
		for more() {
			runs++
			s := pickSchedule(r, procs)
			start := time.Now()
			var hist []porcupine.Operation
			hist, stuck = runClients(build(newRand(seed, 5)), s, r.Uint64(), c.opts.Stall)
			spent += time.Since(start)
			last = run{hist, s, runs}
			if stuck != "" {
				break
			}
			if overlapping(hist) {
				check = append(check, last)
				c.runsOverlapping++
			}
		}
	})
	c.runs += runs
	c.scenarios++
	overlapped := len(check) > 0
	c.countScenario(procs, overlapped)
	if !overlapped {
		check = append(check, last)
	}
	describe := func(x run) string {
		return fmt.Sprintf("%s, scenario %d, GOMAXPROCS=%d, %s schedule, run %d of the scenario", desc, c.scenarios, procs, x.s, x.n)
	}
	if stuck != "" {
		t.Fatalf("stress: %s: %s\n%s; %s", c.name, stuck, describe(last), c.opts.reproduce())
	}
	for _, x := range check {
		if prepare != nil {
			prepare(x.hist)
		}
		if msg := c.check(t, x.hist, describe(x)); msg != "" {
			t.Fatal(msg)
		}
	}
}

// countScenario records a scenario run with GOMAXPROCS procs, and whether
// one of its runs overlapped.
func (c *linChecker) countScenario(procs int, overlapped bool) {
	if c.byProcs == nil {
		c.byProcs = map[int]*scenarioCount{}
	}
	n := c.byProcs[procs]
	if n == nil {
		n = new(scenarioCount)
		c.byProcs[procs] = n
	}
	n.all++
	if overlapped {
		n.overlapped++
	}
	c.opts.Stats.addScenario(overlapped)
}

// check verifies one history. It returns a non-empty failure report when
// the history is not linearizable or the checker could not decide.
func (c *linChecker) check(t testing.TB, history []porcupine.Operation, desc string) string {
	c.checked++
	c.ops += len(history)
	search := history
	if c.model.narrow != nil {
		search = c.model.narrow(history)
	}
	res := porcupine.CheckOperationsTimeout(c.model.Model, search, c.opts.CheckTimeout)
	switch res {
	case porcupine.Ok:
		c.opts.Stats.addHistory(history)
		return ""
	case porcupine.Unknown:
		sub := c.illegalPrefix(history)
		if sub == nil {
			return fmt.Sprintf("stress: %s: porcupine could not decide within %v (an unknown verdict is a failure); %s\nhistory (%d operations):\n%s%s",
				c.name, c.opts.CheckTimeout, desc, len(history), c.format(history), c.opts.reproduce())
		}
		desc += fmt.Sprintf(" (porcupine could not decide the whole history within %v, but a %d-operation part of it is proved illegal)",
			c.opts.CheckTimeout, len(sub))
		return c.report(t, history, c.minimize(sub), desc)
	}
	return c.report(t, history, c.minimize(history), desc)
}

// report describes a violation: the minimized history small of history.
func (c *linChecker) report(t testing.TB, history, small []porcupine.Operation, desc string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "stress: %s: history %d is not linearizable; %s\n", c.name, c.checked, desc)
	fmt.Fprintf(&b, "minimized to %d of %d operations, keeping every operation that overlaps a kept one "+
		"(removing any further group of them makes it linearizable or is not sound):\n%s",
		len(small), len(history), c.format(small))
	if path, err := c.visualize(t, small); err == nil {
		fmt.Fprintf(&b, "visualization (open in a browser): %s\n", path)
	} else {
		fmt.Fprintf(&b, "visualization not written: %v\n", err)
	}
	fmt.Fprintf(&b, "full history:\n%s%s", c.format(history), c.opts.reproduce())
	return b.String()
}

// illegal reports whether porcupine proves h not linearizable (within the
// short timeout: a sub-history it cannot decide is kept as it is).
func (c *linChecker) illegal(h []porcupine.Operation) bool {
	return porcupine.CheckOperationsTimeout(c.model.Model, h, c.shortTimeout()) == porcupine.Illegal
}

// groups classifies the operations of h and partitions them into removal
// groups: operations connected through the items they inserted or took or
// through overlapping in time (so that a minimized witness keeps every
// operation that overlaps one it keeps: the concurrency that explains the
// violation); an operation connected to nothing is a group of its own. roots lists one member
// per group, smallest groups first.
func (c *linChecker) groups(h []porcupine.Operation) (classes []opClass, groups map[int][]int, roots []int) {
	n := len(h)
	classes = make([]opClass, n)
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	owner := map[uint64]int{}
	for i, op := range h {
		cl, vals := c.model.classify(op.Input, op.Output)
		classes[i] = cl
		for _, v := range vals {
			if j, ok := owner[v]; ok {
				parent[find(i)] = find(j)
			} else {
				owner[v] = i
			}
		}
	}
	for i := range h {
		for j := range i {
			if overlap(h[i], h[j]) {
				parent[find(i)] = find(j)
			}
		}
	}
	groups = map[int][]int{}
	for i := range h {
		r := find(i)
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], i)
	}
	sort.SliceStable(roots, func(a, b int) bool { return len(groups[roots[a]]) < len(groups[roots[b]]) })
	return classes, groups, roots
}

// illegalPrefix looks, after porcupine could not decide h, for an illegal
// sub-history that is easier to decide: the whole groups whose operations
// all returned by a time T, for T growing in tenths of the history's span,
// where removing the other groups is monotone (as in minimize). Each
// attempt gets a tenth of the check timeout. It returns nil if none is
// found.
func (c *linChecker) illegalPrefix(h []porcupine.Operation) []porcupine.Operation {
	classes, groups, roots := c.groups(h)
	lo, hi := h[0].Return, h[0].Return
	for _, op := range h {
		lo, hi = min(lo, op.Return), max(hi, op.Return)
	}
	for k := int64(1); k <= 9; k++ {
		t := lo + (hi-lo)*k/10
		keep := make([]bool, len(h))
		for _, r := range roots {
			in := true
			for _, i := range groups[r] {
				in = in && h[i].Return <= t
			}
			for _, i := range groups[r] {
				keep[i] = in
			}
		}
		if !c.admissible(h, classes, groups, roots, keep) {
			continue
		}
		var sub []porcupine.Operation
		for i, op := range h {
			if keep[i] {
				sub = append(sub, op)
			}
		}
		if len(sub) > 0 && porcupine.CheckOperationsTimeout(c.model.Model, sub, c.shortTimeout()) == porcupine.Illegal {
			return sub
		}
	}
	return nil
}

// admissible reports whether removing every operation not kept is
// monotone: no removed item may have been held while a kept operation that
// needed a full structure took effect, and no Close may be removed while a
// kept operation needed it closed.
func (c *linChecker) admissible(h []porcupine.Operation, classes []opClass, groups map[int][]int, roots []int, keep []bool) bool {
	for _, r := range roots {
		g := groups[r]
		if keep[g[0]] {
			continue
		}
		var cl opClass
		for _, i := range g {
			cl |= classes[i]
		}
		for f := range h {
			if !keep[f] {
				continue
			}
			if cl&classClose != 0 && classes[f]&classNeedsClosed != 0 {
				return false
			}
			if cl&classValue != 0 && classes[f]&classNeedsFull != 0 && mayOverlap(h, c.model.classify, g, f) {
				return false
			}
		}
	}
	return true
}

// mayOverlap reports whether group g of h did not run entirely before
// operation f was called or entirely after it returned, so that g's items
// may have been held at f's linearization point. An item that only one
// operation of g mentions (inserted and never taken) may be held until the
// end of the history.
func mayOverlap(h []porcupine.Operation, classify func(in, out any) (opClass, []uint64), g []int, f int) bool {
	before, after := true, true
	seen := map[uint64]int{}
	for _, i := range g {
		before = before && h[i].Return < h[f].Call
		after = after && h[i].Call > h[f].Return
		_, vals := classify(h[i].Input, h[i].Output)
		for _, v := range vals {
			seen[v]++
		}
	}
	for _, n := range seen {
		if n == 1 {
			before = false
		}
	}
	return !before && !after
}

// overlap reports whether operations a and b of different clients
// overlap in time.
func overlap(a, b porcupine.Operation) bool {
	return a.ClientId != b.ClientId && a.Call < b.Return && b.Call < a.Return
}

// shortTimeout bounds the checks of sub-histories while minimizing.
func (c *linChecker) shortTimeout() time.Duration {
	return max(c.opts.CheckTimeout/10, time.Second)
}

// minimize removes groups of operations from an illegal history while it
// stays illegal, so the result is still a violation. A group (see groups)
// is closed under sharing an item (a push with the pop that returned its
// item) and under overlapping in time, so every operation that overlaps a
// kept one is kept. Removals are only
// tried where they are monotone (see opClass): items are not removed if
// they may have been held while an operation whose outcome needed a full
// structure took effect, and a Close is not removed while an outcome that
// needed it closed remains. The result
// is 1-minimal under those removals.
func (c *linChecker) minimize(h []porcupine.Operation) []porcupine.Operation {
	n := len(h)
	classes, groups, roots := c.groups(h) // singletons first: cheap, most numerous
	alive := make([]bool, n)
	for i := range alive {
		alive[i] = true
	}
	remains := func(except []int, cl opClass) bool {
		skip := map[int]bool{}
		for _, i := range except {
			skip[i] = true
		}
		for i := range h {
			if alive[i] && !skip[i] && classes[i]&cl != 0 {
				return true
			}
		}
		return false
	}
	// disjointFromFull reports whether removing the items of group g
	// cannot change the outcome of any remaining operation that needed a
	// full structure: for each such operation f, g ran entirely before f
	// was called or entirely after f returned, so g's items were not held
	// at f's linearization point.
	disjointFromFull := func(g []int) bool {
		in := map[int]bool{}
		for _, i := range g {
			in[i] = true
		}
		for f := range h {
			if alive[f] && !in[f] && classes[f]&classNeedsFull != 0 && mayOverlap(h, c.model.classify, g, f) {
				return false
			}
		}
		return true
	}
	build := func(skip []int) []porcupine.Operation {
		drop := map[int]bool{}
		for _, i := range skip {
			drop[i] = true
		}
		var out []porcupine.Operation
		for i, op := range h {
			if alive[i] && !drop[i] {
				out = append(out, op)
			}
		}
		return out
	}
	for changed := true; changed; {
		changed = false
		for _, r := range roots {
			g := groups[r]
			if !alive[g[0]] {
				continue
			}
			var cl opClass
			for _, i := range g {
				cl |= classes[i]
			}
			if cl&classValue != 0 && !disjointFromFull(g) {
				continue
			}
			if cl&classClose != 0 && remains(g, classNeedsClosed) {
				continue
			}
			if c.illegal(build(g)) {
				for _, i := range g {
					alive[i] = false
				}
				changed = true
			}
		}
	}
	return build(nil)
}

// format prints a history one operation per line in call order, with
// timestamps renumbered from 1, each line numbered and followed by the
// numbers of the lines whose operations overlap it.
func (c *linChecker) format(h []porcupine.Operation) string {
	h = append([]porcupine.Operation(nil), h...)
	sort.Slice(h, func(a, b int) bool { return h[a].Call < h[b].Call })
	stamps := map[int64]int{}
	var all []int64
	for _, op := range h {
		all = append(all, op.Call, op.Return)
	}
	sort.Slice(all, func(a, b int) bool { return all[a] < all[b] })
	for _, s := range all {
		if _, ok := stamps[s]; !ok {
			stamps[s] = len(stamps) + 1
		}
	}
	var b strings.Builder
	for i, op := range h {
		fmt.Fprintf(&b, "  #%-3d client %d  [%3d, %3d]  %s", i+1, op.ClientId, stamps[op.Call], stamps[op.Return],
			c.model.DescribeOperation(op.Input, op.Output))
		sep := "  (overlaps "
		for j, other := range h {
			if overlap(op, other) {
				fmt.Fprintf(&b, "%s#%d", sep, j+1)
				sep = ", "
			}
		}
		if sep == ", " {
			b.WriteString(")")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// visualize writes porcupine's HTML visualization of h to a new file in
// Options.ArtifactDir, else t.ArtifactDir(), and returns its path.
func (c *linChecker) visualize(t testing.TB, h []porcupine.Operation) (string, error) {
	dir := c.opts.ArtifactDir
	if dir == "" {
		dir = t.ArtifactDir()
	}
	_, info := porcupine.CheckOperationsVerbose(c.model.Model, h, c.opts.CheckTimeout)
	f, err := os.CreateTemp(dir, c.name+"-*.html")
	if err != nil {
		return "", err
	}
	defer f.Close()
	if err := porcupine.Visualize(c.model.Model, info, f); err != nil {
		return "", err
	}
	return f.Name(), f.Close()
}

// summary describes how much was checked.
func (c *linChecker) summary() string {
	var procs []int
	for p := range c.byProcs {
		procs = append(procs, p)
	}
	sort.Ints(procs)
	var by []string
	overlapped := 0
	for _, p := range procs {
		n := c.byProcs[p]
		overlapped += n.overlapped
		by = append(by, fmt.Sprintf("%d%% at GOMAXPROCS=%d", 100*n.overlapped/max(n.all, 1), p))
	}
	return fmt.Sprintf("%d scenarios, %d%% of them with overlapping operations (%s); %d histories (%d operations) checked from %d runs, %d%% of which overlapped",
		c.scenarios, 100*overlapped/max(c.scenarios, 1), strings.Join(by, ", "),
		c.checked, c.ops, c.runs, 100*c.runsOverlapping/max(c.runs, 1))
}
