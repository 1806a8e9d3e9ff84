import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactUrl } from './url.js';

test('redactUrl hides a postgres password in the user part or in a password= parameter, and leaves other URLs alone', () => {
  assert.equal(redactUrl('postgres://ann:s3cret@db:5432/studies'), 'postgres://ann:***@db:5432/studies');
  assert.equal(redactUrl('postgresql://ann:p@ss:w0rd@db/studies'), 'postgresql://ann:***@db/studies');
  assert.equal(redactUrl('postgres://ann@db/studies?sslmode=require&password=s3cret'), 'postgres://ann@db/studies?sslmode=require&password=***');
  assert.equal(redactUrl('postgres://db/studies'), 'postgres://db/studies');
  assert.equal(redactUrl('sqlite:./trainkit.db'), 'sqlite:./trainkit.db');
});
