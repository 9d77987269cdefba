package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"delegate/handlers"
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
	h, err := handlers.New(handlers.Deps{DB: db, Logger: log, BaseURL: cfg.baseURL,
		RateLimit: cfg.rateLimit, TrustedProxies: cfg.trustedProxies})
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
	log.Info("stopped")
	return nil
}
