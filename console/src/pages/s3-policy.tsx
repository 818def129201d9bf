// A bucket's policy (Permissions tab): view, edit with the validating policy editor (resource policy rules), delete.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { Alert, useAction } from '../ui';
import { PolicyEditor } from './editor';
import { pretty } from './roles';

/** A starter policy naming this bucket's objects, for a bucket without one. */
function starter(bucket: string): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Statement1', Effect: 'Allow', Principal: { AWS: [] }, Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${bucket}/*`] }] }, null, 4);
}

/** The bucket-policy panel. */
export function BucketPolicy(props: { bucket: string }) {
  const [policy, setPolicy] = useState<string | null | undefined>(undefined);
  const [editing, setEditing] = useState(false);
  const [doc, setDoc] = useState('');
  const [valid, setValid] = useState(false);
  const [notice, setNotice] = useState('');
  const { busy, error, run } = useAction();
  const path = `/s3/buckets/${encodeURIComponent(props.bucket)}/policy`;
  const load = () => void run(async () => setPolicy((await api('GET', path)).policy));
  useEffect(load, [props.bucket]);
  return (
    <section aria-labelledby="bucket-policy-title">
      <h2 id="bucket-policy-title">Bucket policy</h2>
      {notice && <Alert kind="success">{notice}</Alert>}
      {error && <Alert>{error}</Alert>}
      {!editing && policy !== undefined && (
        <>
          {policy === null ? <p class="hint">No policy to display.</p> : <pre data-testid="bucket-policy">{pretty(policy)}</pre>}
          <button
            type="button"
            onClick={() => {
              setDoc(policy === null ? starter(props.bucket) : pretty(policy));
              setNotice('');
              setEditing(true);
            }}
          >
            Edit bucket policy
          </button>
          {policy !== null && (
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                run(async () => {
                  await api('DELETE', path);
                  setNotice('Bucket policy deleted.');
                  setPolicy(null);
                })
              }
            >
              Delete bucket policy
            </button>
          )}
        </>
      )}
      {editing && (
        <>
          <PolicyEditor label="Bucket policy (JSON)" kind="resource" value={doc} onInput={setDoc} onValidity={setValid} />
          <button
            type="button"
            class="primary"
            disabled={busy || !valid}
            onClick={() =>
              run(async () => {
                await api('PUT', path, { document: doc });
                setEditing(false);
                setNotice('Bucket policy saved.');
                setPolicy((await api('GET', path)).policy);
              })
            }
          >
            Save changes
          </button>
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </>
      )}
    </section>
  );
}
