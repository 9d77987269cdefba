package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"delegate/mailer"
	"delegate/pdf"
	"delegate/store"
)

// config is what the environment and flags say.
type config struct {
	addr           string
	dbPath         string
	baseURL        string
	secret         string
	rateLimit      int
	trustedProxies []string
	smtpURL        string
	mailFrom       string
	stripeKey      string
	stripeWebhook  string
	stripeAPIBase  string
	// privateWebhooks lets webhooks reach loopback and private addresses
	privateWebhooks bool
	// now is the store's clock; nil for the real one (the demo sets its own)
	now func() time.Time
}

// flags defines the flags every command shares, with the environment as
// defaults.
func (c *config) flags(fs *flag.FlagSet, getenv func(string) string) {
	env := func(k, def string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&c.addr, "addr", env("DELEGATE_ADDR", "localhost:8080"), "listen address")
	fs.StringVar(&c.dbPath, "db", env("DELEGATE_DB", "delegate.db"), "SQLite database file")
	fs.StringVar(&c.baseURL, "base-url", env("DELEGATE_BASE_URL", "http://localhost:8080"), "public address for links")
	c.secret = getenv("DELEGATE_SECRET")
	c.smtpURL = getenv("DELEGATE_SMTP_URL")
	c.stripeKey, c.stripeWebhook = getenv("STRIPE_SECRET_KEY"), getenv("STRIPE_WEBHOOK_SECRET")
	c.stripeAPIBase = getenv("STRIPE_API_BASE")
	c.privateWebhooks, _ = strconv.ParseBool(getenv("DELEGATE_WEBHOOK_PRIVATE"))
	c.mailFrom = env("DELEGATE_MAIL_FROM", "ICLC 2015 <noreply@localhost>")
	c.rateLimit = 30
	if v := getenv("DELEGATE_RATE_LIMIT"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			c.rateLimit = n
		}
	}
	fs.IntVar(&c.rateLimit, "rate-limit", c.rateLimit, "public POSTs per client per minute (0: no limit)")
	for _, p := range strings.Split(getenv("DELEGATE_TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			c.trustedProxies = append(c.trustedProxies, p)
		}
	}
}

// key returns the installation secret: DELEGATE_SECRET (64 hex digits or
// base64 of 32 bytes), else the key file next to the database, made once.
func (c *config) key() ([]byte, error) {
	if c.secret != "" {
		return decodeKey(c.secret)
	}
	path := c.dbPath + ".key"
	data, err := os.ReadFile(path)
	if err == nil {
		return decodeKey(strings.TrimSpace(string(data)))
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read key file: %w", err)
	}
	k := make([]byte, 32)
	rand.Read(k)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create key file: %w", err)
	}
	if _, err := f.WriteString(hex.EncodeToString(k) + "\n"); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return k, f.Close()
}

func decodeKey(s string) ([]byte, error) {
	if k, err := hex.DecodeString(s); err == nil && len(k) == 32 {
		return k, nil
	}
	if k, err := base64.StdEncoding.DecodeString(s); err == nil && len(k) == 32 {
		return k, nil
	}
	return nil, errors.New("DELEGATE_SECRET must be 32 bytes as 64 hex digits or base64")
}

// open opens the store with the mail composer wired in.
func (c *config) open(ctx context.Context) (*store.DB, error) {
	key, err := c.key()
	if err != nil {
		return nil, err
	}
	composer, err := mailer.NewComposer(c.baseURL)
	if err != nil {
		return nil, err
	}
	return store.Open(ctx, c.dbPath, store.Options{Secret: key, Composer: composer, Now: c.now, Printable: pdf.Printable,
		PrivateWebhooks: c.privateWebhooks})
}

// newLogger writes the server's log to w: logfmt text, or JSON lines with
// DELEGATE_LOG_FORMAT=json (for journald's or a collector's parsing), at
// DELEGATE_LOG_LEVEL (debug, info, warn or error; info by default).
func newLogger(w io.Writer, getenv func(string) string) (*slog.Logger, error) {
	var level slog.Level
	if l := getenv("DELEGATE_LOG_LEVEL"); l != "" {
		if err := level.UnmarshalText([]byte(l)); err != nil {
			return nil, fmt.Errorf("DELEGATE_LOG_LEVEL %q: want debug, info, warn or error", l)
		}
	}
	opts := &slog.HandlerOptions{Level: level}
	switch f := getenv("DELEGATE_LOG_FORMAT"); f {
	case "", "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	default:
		return nil, fmt.Errorf("DELEGATE_LOG_FORMAT %q: want text or json", f)
	}
}
