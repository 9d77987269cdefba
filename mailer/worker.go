package mailer

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"delegate/calendar"
	"delegate/clock"
	"delegate/store"
)

// Worker sends the outbox: it wakes when a change queues mail, and polls.
// A message is marked sent only after the server accepted it; a temporary
// failure is tried again with exponential back-off and jitter, up to
// MaxAttempts; a permanent one is marked failed with the server's answer.
type Worker struct {
	DB     *store.DB
	Sender Sender
	Log    *slog.Logger
	// Domain ends each Message-ID.
	Domain string
	// Now is the clock of back-offs and due times; the store's (DB.Now)
	// when nil, so that both agree on what is due.
	Now func() time.Time

	Poll        time.Duration // how often to look without a wake-up; default 30s
	Batch       int           // messages per connection; default 50
	MaxAttempts int           // default 10
	BaseDelay   time.Duration // first retry after about this; default 30s
	MaxDelay    time.Duration // retries never wait longer; default 1h
}

func (w *Worker) defaults() {
	if w.Poll == 0 {
		w.Poll = 30 * time.Second
	}
	if w.Batch == 0 {
		w.Batch = 50
	}
	if w.MaxAttempts == 0 {
		w.MaxAttempts = 10
	}
	if w.BaseDelay == 0 {
		w.BaseDelay = 30 * time.Second
	}
	if w.MaxDelay == 0 {
		w.MaxDelay = time.Hour
	}
	if w.Log == nil {
		w.Log = slog.New(slog.DiscardHandler)
	}
	if w.Domain == "" {
		w.Domain = "delegate.invalid"
	}
	if w.Now == nil {
		w.Now = w.DB.Now
	}
}

// Run sends until ctx is done.
func (w *Worker) Run(ctx context.Context) {
	w.defaults()
	clock.Every(ctx, w.Poll, w.DB.Queued(), func() {
		if _, err := w.Drain(ctx); err != nil && ctx.Err() == nil {
			w.Log.Error("mail worker", "err", err)
		}
	})
}

// Drain sends every message that is due now, batch by batch, and returns
// how many the server accepted.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	w.defaults()
	sent := 0
	for ctx.Err() == nil {
		due, err := w.DB.DueMessages(ctx, w.Now(), w.Batch)
		if err != nil || len(due) == 0 {
			return sent, err
		}
		var batch []Outgoing
		var msgs []store.OutboxMessage
		for _, m := range due {
			e, err := w.DB.Deliverable(ctx, m)
			if err != nil {
				// the registration's link cannot be made: no retry will help
				if err := w.DB.RecordDeliveries(ctx, []store.Delivery{{ID: m.ID, Status: store.OutboxFailed, Error: err.Error()}}); err != nil {
					return sent, err
				}
				continue
			}
			if e.Attachments, err = w.attachments(ctx, m); err != nil {
				return sent, err
			}
			batch = append(batch, Outgoing{MessageID: w.messageID(m), To: m.To, ToName: m.ToName,
				Language: m.Language, Email: e})
			msgs = append(msgs, m)
		}
		if len(batch) == 0 {
			continue
		}
		errs := w.Sender.Send(ctx, batch)
		outcomes := make([]store.Delivery, len(msgs))
		accepted := 0
		for i, m := range msgs {
			outcomes[i] = w.outcome(m, errs[i])
			if errs[i] == nil {
				accepted++
			}
		}
		// One commit for the batch: a crash between the server's answer
		// and this commit can send a batch twice, never lose it.
		if err := w.DB.RecordDeliveries(ctx, outcomes); err != nil {
			return sent, err
		}
		sent += accepted
		if accepted == 0 && Temporary(errs[0]) {
			return sent, nil // the server is away: wait for the next wake-up or poll
		}
	}
	return sent, ctx.Err()
}

// attachments are the files sent with m: the approval carries the
// delegate's calendar of the conference, as it is when sent.
func (w *Worker) attachments(ctx context.Context, m store.OutboxMessage) ([]store.Attachment, error) {
	if m.Kind != store.MailApproved || m.RegistrationID == 0 {
		return nil, nil
	}
	r, err := w.DB.FindRegistrationByID(ctx, m.RegistrationID)
	if err != nil {
		return nil, fmt.Errorf("message %d: %w", m.ID, err)
	}
	s := w.DB.Settings()
	return []store.Attachment{{Name: calendar.FileName, ContentType: calendar.ContentType,
		Data: calendar.Delegate(&r, &s, w.Domain, w.Now())}}, nil
}

// outcome says what becomes of a message after one attempt.
func (w *Worker) outcome(m store.OutboxMessage, err error) store.Delivery {
	now := w.Now()
	switch {
	case err == nil:
		w.Log.Info("mail sent", "id", m.ID, "kind", m.Kind)
		return store.Delivery{ID: m.ID, Status: store.OutboxSent, At: now}
	case !Temporary(err) || m.Attempts+1 >= w.MaxAttempts:
		w.Log.Warn("mail failed", "id", m.ID, "kind", m.Kind, "attempts", m.Attempts+1, "err", err)
		return store.Delivery{ID: m.ID, Status: store.OutboxFailed, Error: err.Error()}
	default:
		next := now.Add(w.backoff(m.Attempts + 1))
		w.Log.Info("mail deferred", "id", m.ID, "attempts", m.Attempts+1, "next", next, "err", err)
		return store.Delivery{ID: m.ID, Status: store.OutboxQueued, Error: err.Error(), At: next}
	}
}

// backoff is how long to wait after the nth failed attempt.
func (w *Worker) backoff(n int) time.Duration { return clock.Backoff(w.BaseDelay, w.MaxDelay, n) }

// messageID is stable for an outbox row, so a resent message keeps it.
func (w *Worker) messageID(m store.OutboxMessage) string {
	return fmt.Sprintf("outbox.%d.%d@%s", m.ID, m.CreatedAt.Unix(), w.Domain)
}
