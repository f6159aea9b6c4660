package bench

// Chan is a Go buffered channel of QueueCap uint64 values used through its
// blocking send and receive.
type Chan chan uint64

// Push sends v, waiting while the channel is full.
func (c Chan) Push(v uint64) { c <- v }

// Pop receives a value, waiting while the channel is empty.
func (c Chan) Pop() uint64 { return <-c }

// ChanImpl returns the blocking channel peer, named [ChanName].
func ChanImpl() *Impl {
	return &Impl{
		Name:        ChanName,
		Peer:        true,
		Doc:         "Go buffered channel, cap 1024, blocking send/receive",
		NewBlocking: func() BlockingQueue { return make(Chan, QueueCap) },
	}
}

// SelectChan is a Go buffered channel of QueueCap uint64 values used through
// select with a default case, the Go idiom for a non-blocking queue.
type SelectChan chan uint64

// TryPush reports whether v was sent without waiting.
func (c SelectChan) TryPush(v uint64) bool {
	select {
	case c <- v:
		return true
	default:
		return false
	}
}

// TryPop reports whether a value was received without waiting.
func (c SelectChan) TryPop() (uint64, bool) {
	select {
	case v := <-c:
		return v, true
	default:
		return 0, false
	}
}

// SelectChanImpl returns the select-default channel peer, "chan-select".
func SelectChanImpl() *Impl {
	return &Impl{
		Name:   "chan-select",
		Peer:   true,
		Doc:    "Go buffered channel, cap 1024, select with default",
		NewTry: func() TryQueue { return make(SelectChan, QueueCap) },
	}
}
