package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"delegate/clock"
	"delegate/handlers"
	"delegate/mailer"
	"delegate/payment"
	"delegate/pdf"
	"delegate/store"
	"delegate/webhook"
)

// serve runs the web server until ctx is done, then lets requests in flight
// finish, stops the workers and closes the database.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.flags(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	log, err := newLogger(stderr, getenv)
	if err != nil {
		return err
	}
	if getenv("GOGC") == "" {
		// The live heap is small (tens of MB); collecting less often buys
		// request throughput with memory this machine has plenty of.
		debug.SetGCPercent(400)
	}
	if getenv("GOMEMLIMIT") == "" {
		// ...but not past 96 MiB: near it the collector runs as often as
		// it must, so the garbage of a long export does not pile up to five
		// times what is live (GOMEMLIMIT sets another limit)
		debug.SetMemoryLimit(96 << 20)
	}
	db, err := cfg.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := offerSetup(ctx, db, cfg.baseURL, stdout); err != nil {
		return err
	}
	available, missing := pdf.Scripts()
	log.Info("names print in", "scripts", strings.Join(available, "; "), "fonts missing", strings.Join(missing, "; "))

	workerCtx, stopWorkers := context.WithCancel(context.Background())
	defer stopWorkers()
	mailDone, err := startMail(workerCtx, db, &cfg, log)
	if err != nil {
		return err
	}
	purgeDone := startPurge(workerCtx, db, log)
	offersDone := startOffers(workerCtx, db, log)
	hooksDone := make(chan struct{}) // the webhooks' deliveries, sent until the workers stop
	go func() {
		defer close(hooksDone)
		(&webhook.Worker{DB: db, Log: log, AllowPrivate: cfg.privateWebhooks}).Run(workerCtx)
	}()
	go func() {
		// a campaign a stop interrupted is queued to the end, each delegate once
		if err := db.ResumeCampaigns(workerCtx); err != nil && workerCtx.Err() == nil {
			log.Error("resume campaigns", "err", err)
		}
	}()

	srv, ln, err := buildServer(db, &cfg, log)
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String(), "db", cfg.dbPath, "base_url", cfg.baseURL)
	fmt.Fprintf(stdout, "delegate: serving http://%s\n", ln.Addr())

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	stopWorkers()
	<-purgeDone
	<-offersDone
	<-hooksDone
	<-mailDone // the batch being sent is recorded before the database closes
	log.Info("stopped")
	return nil
}

// offerSetup prints the first-admin setup link while there is no organiser.
func offerSetup(ctx context.Context, db *store.DB, baseURL string, stdout io.Writer) error {
	n, err := db.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	secret, err := db.CreateSetupToken(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "delegate: no organiser yet; create the first admin within 24 hours at %s/admin/setup?token=%s\n",
		strings.TrimRight(baseURL, "/"), secret)
	return nil
}

// startMail starts the outbox worker until ctx is done; the channel closes
// when it has stopped. Without DELEGATE_SMTP_URL nothing leaves the
// machine: messages wait in the outbox and show at /admin/mail.
func startMail(ctx context.Context, db *store.DB, cfg *config, log *slog.Logger) (<-chan struct{}, error) {
	done := make(chan struct{})
	if cfg.smtpURL == "" {
		log.Info("no DELEGATE_SMTP_URL: messages stay in the outbox, see /admin/mail")
		close(done)
		return done, nil
	}
	sender, err := mailer.NewSMTP(cfg.smtpURL, cfg.mailFrom)
	if err != nil {
		return nil, err
	}
	w := &mailer.Worker{DB: db, Sender: sender, Log: log, Domain: hostOf(cfg.baseURL)}
	go func() { defer close(done); w.Run(ctx) }()
	log.Info("mail worker started")
	return done, nil
}

// startPurge applies the retention settings (passport data and photos,
// health data, cancelled and declined registrations, invoices' billed
// party): at start and then daily, until ctx is done.
func startPurge(ctx context.Context, db *store.DB, log *slog.Logger) <-chan struct{} {
	return every(ctx, 24*time.Hour, func() {
		items, err := db.Retain(ctx, store.System, false)
		if err != nil && ctx.Err() == nil {
			log.Error("retention", "err", err)
		}
		for _, it := range items {
			if len(it.References) > 0 {
				log.Info("retention applied", "rule", it.Rule, "registrations", len(it.References))
			}
		}
	})
}

// startOffers passes on the offers of a place that lapsed: at start (so
// those that lapsed while the server was stopped go on at once) and then
// every minute, until ctx is done.
func startOffers(ctx context.Context, db *store.DB, log *slog.Logger) <-chan struct{} {
	return every(ctx, time.Minute, func() {
		if n, err := db.ExpireOffers(ctx); err != nil && ctx.Err() == nil {
			log.Error("expire offers", "err", err)
		} else if n > 0 {
			log.Info("offers of a place lapsed and went on", "offers", n)
		}
	})
}

// every runs fn now and then each period until ctx is done; the channel
// closes when it has stopped.
func every(ctx context.Context, period time.Duration, fn func()) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		clock.Every(ctx, period, nil, fn)
	}()
	return done
}

// buildServer wires the handlers (with Stripe when configured) into an
// HTTP server with all four timeouts, listening on cfg.addr.
func buildServer(db *store.DB, cfg *config, log *slog.Logger) (*http.Server, net.Listener, error) {
	var pay *payment.Client
	if cfg.stripeKey != "" {
		if cfg.stripeWebhook == "" {
			return nil, nil, errors.New("STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not: without it anyone could post a payment; set the webhook's signing secret")
		}
		pay = payment.New(cfg.stripeKey, cfg.stripeWebhook, cfg.stripeAPIBase)
		log.Info("online payment with Stripe")
	}
	h, err := handlers.New(handlers.Deps{DB: db, Logger: log, BaseURL: cfg.baseURL,
		RateLimit: cfg.rateLimit, TrustedProxies: cfg.trustedProxies, Payments: pay, MailOff: cfg.smtpURL == ""})
	if err != nil {
		return nil, nil, err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return nil, nil, err
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute, // large PDF batches take a while
		IdleTimeout:       2 * time.Minute,
	}, ln, nil
}

// hostOf is the host name of a URL, for Message-IDs.
func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "localhost"
}
