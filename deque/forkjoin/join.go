package forkjoin

// joinRec is the typed task of JoinFunc: the second call's function and
// argument, and its result. A frame keeps its joinRec for the next
// JoinFunc of the same types at the same depth, so that steady-state
// forking allocates nothing.
type joinRec[T, R any] struct {
	f func(*Ctx, T) R
	x T
	r R
}

func (j *joinRec[T, R]) run(c *Ctx, _ *task) { j.r = j.f(c, j.x) }

func (j *joinRec[T, R]) pending() bool { return j.f != nil }

// JoinFunc calls f(c, x) and f(c, y), in parallel if a worker is free, and
// returns their results. It is Join for the common case of two calls of
// one function (the two halves of a divide and conquer): the argument and
// result are copied into a task record that the worker reuses, so that
// with a top-level function f (no closure) JoinFunc allocates nothing.
// f(c, x) runs on the calling worker; f(c, y) may be stolen, exactly as
// Join's b.
//
// If the call is stopped (its context is done or a task panicked),
// JoinFunc returns the zero result for each call of f that it dropped:
// both when the call was stopped on entry, the second when it stopped
// while the first ran.
// Memory model: the return of each call of f synchronizes before the
// return of JoinFunc. JoinFunc panics if f is nil.
func JoinFunc[T, R any](c *Ctx, f func(*Ctx, T) R, x, y T) (rx, ry R) {
	if f == nil {
		panic("forkjoin: JoinFunc with a nil function")
	}
	cl := c.call // the same until this task returns
	if cl.stopped.Load() {
		return rx, ry
	}
	fr := c.frame()
	j, ok := fr.ext.(*joinRec[T, R])
	if !ok {
		j = swapRec[T, R](fr)
	}
	j.f, j.x = f, y
	if c.own.Len() == 0 { // publish lazily: see publish
		c.publish()
	}
	rx = f(c, x)
	var zero T
	if c.private() {
		// Not published, so not stolen: the fast path.
		j.f, j.x = nil, zero
		if !cl.stopped.Load() {
			ry = f(c, y)
		}
		return rx, ry
	}
	c.joinPublished(fr)
	var zr R
	ry, j.f, j.x, j.r = j.r, nil, zero, zr
	return rx, ry
}

// swapRec makes fr.ext a joinRec[T, R], from fr.spare or new, and moves
// the one it replaces to the front of fr.spare.
func swapRec[T, R any](fr *task) *joinRec[T, R] {
	for i, r := range fr.spare {
		if j, ok := r.(*joinRec[T, R]); ok {
			fr.spare[i] = fr.ext
			fr.ext = j
			return j
		}
	}
	j := new(joinRec[T, R])
	copy(fr.spare[1:], fr.spare[:len(fr.spare)-1])
	fr.spare[0] = fr.ext
	fr.ext = j
	return j
}
