package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"delegate/handlers"
	"delegate/mailer"
	"delegate/payment"
	"delegate/store"
)

// serve runs the web server until ctx is done, then lets requests in flight
// finish and closes the database.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.flags(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := newLogger(stderr)
	if getenv("GOGC") == "" {
		// The live heap is small (tens of MB); collecting less often buys
		// request throughput with memory this machine has plenty of.
		debug.SetGCPercent(400)
	}
	db, err := cfg.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()

	if n, err := db.CountUsers(ctx); err != nil {
		return err
	} else if n == 0 {
		secret, err := db.CreateSetupToken(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "delegate: no organiser yet; create the first admin within 24 hours at %s/admin/setup?token=%s\n",
			strings.TrimRight(cfg.baseURL, "/"), secret)
	}
	// Mail: without DELEGATE_SMTP_URL nothing leaves the machine; messages
	// wait in the outbox and show at /admin/mail.
	var workerDone chan struct{}
	workerCtx, stopWorker := context.WithCancel(context.Background())
	defer stopWorker()
	if cfg.smtpURL != "" {
		sender, err := mailer.NewSMTP(cfg.smtpURL, cfg.mailFrom)
		if err != nil {
			return err
		}
		w := &mailer.Worker{DB: db, Sender: sender, Log: log, Domain: hostOf(cfg.baseURL)}
		workerDone = make(chan struct{})
		go func() { defer close(workerDone); w.Run(workerCtx) }()
		log.Info("mail worker started")
	} else {
		log.Info("no DELEGATE_SMTP_URL: messages stay in the outbox, see /admin/mail")
	}
	// Passport data goes once the retention after the conference is over:
	// checked at start and then daily.
	purgeDone := make(chan struct{})
	go func() {
		defer close(purgeDone)
		tick := time.NewTicker(24 * time.Hour)
		defer tick.Stop()
		for {
			if s := db.Settings(); s.PassportRetentionDays > 0 && s.PurgeDue(s.PassportRetentionDays, time.Now()) {
				if n, err := db.PurgePassports(workerCtx, store.System); err != nil {
					log.Error("purge passports", "err", err)
				} else if n > 0 {
					log.Info("passport data erased", "registrations", n)
				}
			}
			select {
			case <-workerCtx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	var pay *payment.Client
	if cfg.stripeKey != "" {
		pay = payment.New(cfg.stripeKey, cfg.stripeWebhook, cfg.stripeAPIBase)
		log.Info("online payment with Stripe")
	}
	h, err := handlers.New(handlers.Deps{DB: db, Logger: log, BaseURL: cfg.baseURL,
		RateLimit: cfg.rateLimit, TrustedProxies: cfg.trustedProxies, Payments: pay})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute, // large PDF batches take a while
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          nil,
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
	stopWorker()
	<-purgeDone
	if workerDone != nil {
		<-workerDone // the batch being sent is recorded before the database closes
	}
	log.Info("stopped")
	return nil
}

// hostOf is the host name of a URL, for Message-IDs.
func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "localhost"
}
