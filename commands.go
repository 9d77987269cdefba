package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"delegate/clock"
	"delegate/demo"
	"delegate/i18n"
	"delegate/store"
)

// cliActor is who changes things from the command line.
var cliActor = store.Actor{Kind: "system", Name: "cli"}

// withStore parses a command's flags (the shared ones and those extra
// defines), opens the store and runs fn with it.
func withStore(ctx context.Context, name string, args []string, getenv func(string) string, stderr io.Writer,
	extra func(*flag.FlagSet), fn func(*store.DB, *flag.FlagSet) error) error {
	return withStoreOn(ctx, nil, name, args, getenv, stderr, extra, fn)
}

// withStoreOn is withStore with the store on clock now (nil: the real one).
func withStoreOn(ctx context.Context, now func() time.Time, name string, args []string, getenv func(string) string,
	stderr io.Writer, extra func(*flag.FlagSet), fn func(*store.DB, *flag.FlagSet) error) error {
	cfg := config{now: now}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.flags(fs, getenv)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := cfg.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(db, fs)
}

func userCommand(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "reset-2fa" {
		var email *string
		return withStore(ctx, "user reset-2fa", args[1:], getenv, stderr, func(fs *flag.FlagSet) {
			email = fs.String("email", "", "the organiser's email")
		}, func(db *store.DB, _ *flag.FlagSet) error {
			if err := db.ResetSecondFactor(ctx, cliActor, *email); err != nil {
				return describe(err)
			}
			fmt.Fprintf(stderr, "second factors (app and passkeys) of %s removed and sessions ended; they enrol again at their next sign-in\n", *email)
			return nil
		})
	}
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: delegate user add --email E --role R (password on stdin) | delegate user reset-2fa --email E")
	}
	var email, role *string
	return withStore(ctx, "user add", args[1:], getenv, stderr, func(fs *flag.FlagSet) {
		email = fs.String("email", "", "the organiser's email")
		role = fs.String("role", "viewer", "viewer, desk, finance or admin")
	}, func(db *store.DB, _ *flag.FlagSet) error {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read password: %w", err)
		}
		u, err := db.SaveUser(ctx, cliActor, *email, strings.TrimRight(line, "\r\n"), *role)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stderr, "saved organiser %s with role %s\n", u.Email, u.Role)
		return nil
	})
}

func tokenCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: delegate token create --name N --role R")
	}
	var name, role *string
	return withStore(ctx, "token create", args[1:], getenv, stderr, func(fs *flag.FlagSet) {
		name = fs.String("name", "", "what the token is for")
		role = fs.String("role", "viewer", "viewer, desk, finance or admin")
	}, func(db *store.DB, _ *flag.FlagSet) error {
		secret, t, err := db.CreateToken(ctx, cliActor, *name, *role)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stderr, "token %q with role %s; it is shown once, keep it safe\n", t.Name, t.Role)
		fmt.Fprintln(stdout, secret)
		return nil
	})
}

func backupCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return withStore(ctx, "backup", args, getenv, stderr, nil, func(db *store.DB, fs *flag.FlagSet) error {
		if fs.NArg() != 1 {
			return errors.New("usage: delegate backup FILE")
		}
		if err := db.Backup(ctx, fs.Arg(0)); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "backed up %s to %s\n", db.Path(), fs.Arg(0))
		return nil
	})
}

func demoCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var n, capacity *int
	var seed *uint64
	// the registrations are dated over the months before now
	clk := clock.At(time.Now())
	return withStoreOn(ctx, clk.Now, "demo", args, getenv, stderr, func(fs *flag.FlagSet) {
		n = fs.Int("registrations", 100, "how many sample registrations to add")
		capacity = fs.Int("capacity", 0, "raise the conference capacity to this first (0: as set)")
		seed = fs.Uint64("seed", uint64(time.Now().UnixNano()), "random seed, for the same data again")
	}, func(db *store.DB, _ *flag.FlagSet) error {
		if s := db.Settings(); *capacity > s.Capacity {
			s.Capacity = *capacity
			if _, err := db.UpdateSettings(ctx, store.Actor{Kind: "system", Name: "demo"}, s); err != nil {
				return err
			}
		}
		start := time.Now()
		sum, err := demo.Fill(ctx, db, clk, *n, rand.New(rand.NewPCG(*seed, 2015)))
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "added %d registrations in %s: %v\n", sum.Added, time.Since(start).Round(time.Millisecond), sum.ByStatus)
		return nil
	})
}

// purgeCommand erases the passport data once DAYS (--after, or the
// setting) have passed since the conference's last day.
func purgeCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var after *int
	return withStore(ctx, "purge-passports", args, getenv, stderr, func(fs *flag.FlagSet) {
		after = fs.Int("after", -1, "days after the conference's last day (default: the setting)")
	}, func(db *store.DB, _ *flag.FlagSet) error {
		s := db.Settings()
		days := *after
		if days < 0 {
			days = s.PassportRetentionDays
		}
		if days <= 0 && *after < 0 {
			return errors.New("say how long to keep passport data: --after DAYS")
		}
		if !s.PurgeDue(days, time.Now()) {
			fmt.Fprintf(stderr, "nothing to do: passport data is kept until %d days after %s\n", days, s.EndDate)
			return nil
		}
		n, err := db.PurgePassports(ctx, cliActor)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "erased the passport data of %d registrations\n", n)
		return nil
	})
}

// retainCommand applies the retention settings now, or with --dry-run
// lists what they would erase, rule by rule.
func retainCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var dry *bool
	return withStore(ctx, "purge", args, getenv, stderr, func(fs *flag.FlagSet) {
		dry = fs.Bool("dry-run", false, "list what would be erased, erase nothing")
	}, func(db *store.DB, _ *flag.FlagSet) error {
		items, err := db.Retain(ctx, cliActor, *dry)
		if err != nil {
			return err
		}
		verb := "erased"
		if *dry {
			verb = "would erase"
		}
		for _, it := range items {
			switch {
			case it.Due.IsZero():
				fmt.Fprintf(stdout, "%-10s off (kept)\n", it.Rule)
			case it.References == nil:
				fmt.Fprintf(stdout, "%-10s kept until %s\n", it.Rule, it.Due.Format(store.DateLayout))
			default:
				what := "registrations"
				if it.Rule == store.RetainContacts {
					what = "delegations' focal points and requests"
				}
				fmt.Fprintf(stdout, "%-10s %s: %d %s %s\n", it.Rule, verb, len(it.References), what, strings.Join(it.References, " "))
			}
		}
		return nil
	})
}

// newEditionCommand starts the next edition's database from an old one:
// settings, fees, places, texts, signatory, access codes (new ones) and
// organisers, with the new dates (asked for when not given). The new
// database shares the old one's installation key, copied beside it.
func newEditionCommand(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("new-edition", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "the old edition's database")
	start := fs.String("start", "", "the new edition's first day, YYYY-MM-DD")
	end := fs.String("end", "", "its last day, YYYY-MM-DD")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from == "" || fs.NArg() != 1 {
		return errors.New("usage: delegate new-edition --from OLD.db [--start YYYY-MM-DD --end YYYY-MM-DD] NEW.db")
	}
	to := fs.Arg(0)
	if _, err := os.Stat(to); err == nil {
		return fmt.Errorf("%s exists: the new edition starts in a file of its own", to)
	}
	if _, err := os.Stat(*from); err != nil {
		return fmt.Errorf("the old edition: %w", err)
	}
	in := bufio.NewScanner(stdin)
	ask := func(v *string, question string) {
		for *v == "" {
			fmt.Fprint(stderr, question)
			if !in.Scan() {
				return
			}
			*v = strings.TrimSpace(in.Text())
		}
	}
	ask(start, "First day of the new edition (YYYY-MM-DD): ")
	ask(end, "Last day (YYYY-MM-DD): ")
	oldCfg := config{dbPath: *from, secret: getenv("DELEGATE_SECRET"), baseURL: "http://localhost"}
	newCfg := oldCfg
	newCfg.dbPath = to
	if oldCfg.secret == "" { // the same key, beside the new file
		key, err := os.ReadFile(*from + ".key")
		if err != nil {
			return fmt.Errorf("the old edition's key: %w", err)
		}
		if err := os.WriteFile(to+".key", key, 0o600); err != nil {
			return err
		}
	}
	old, err := oldCfg.open(ctx)
	if err != nil {
		return err
	}
	defer old.Close()
	db, err := newCfg.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := db.CopyEditionFrom(ctx, cliActor, old, *start, *end)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "new edition %s, %s to %s: %d categories, %d hotels, %d study visits, %d organisers (%d passkeys), %d access codes (new ones); other dates moved %d days; no delegate copied\n",
		to, *start, *end, c.Categories, c.Hotels, c.Visits, c.Organisers, c.Passkeys, c.AccessCodes, c.Shift)
	return nil
}

// describe turns a validation error into a sentence for the terminal.
func describe(err error) error {
	var ve *store.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	var parts []string
	for f, m := range ve.Fields {
		parts = append(parts, f+": "+i18n.For("en").T(m.Key, m.Args...))
	}
	return errors.New(strings.Join(parts, "; "))
}
