package store

import (
	"context"
	"database/sql"
	"strings"
)

// scanner is a *sql.Row or *sql.Rows: each type's scan function (beside
// the type) reads one row from either.
type scanner interface{ Scan(dest ...any) error }

// collect reads every row of rows with scan and closes them; err is the
// query's error, passed on. An empty result is an empty list, never nil,
// so that JSON shows [].
func collect[T any](rows *sql.Rows, err error, scan func(scanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	return list, rows.Err()
}

// querier is the read pool or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// countInto adds the rows of a "SELECT key, count" query to into.
func countInto(ctx context.Context, q querier, into map[string]int, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		into[k] = n
	}
	return rows.Err()
}

// scanString reads a row of one text column.
func scanString(row scanner) (string, error) {
	var s string
	err := row.Scan(&s)
	return s, err
}

// conditions build a WHERE clause: each condition with its arguments,
// joined with AND.
type conditions struct {
	conds []string
	args  []any
}

// add appends cond with the arguments of its placeholders.
func (c *conditions) add(cond string, args ...any) {
	c.conds = append(c.conds, cond)
	c.args = append(c.args, args...)
}

// addIf adds cond with the value when the value is set (not "" or 0).
func (c *conditions) addIf(cond string, value any) {
	if value != "" && value != int64(0) {
		c.add(cond, value)
	}
}

// where is " WHERE …" and its arguments, or "" when there are no
// conditions.
func (c *conditions) where() (string, []any) {
	if len(c.conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(c.conds, " AND "), c.args
}
