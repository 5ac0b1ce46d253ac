// A filter text box that reports its value on Enter, on blur, on a picked suggestion or on
// clear — not on every key, so a filter does not query the server per keystroke.
import { AutoComplete, Input } from 'antd';
import { type ChangeEvent, useEffect, useState } from 'react';

interface CommitInputProps {
  value: string | undefined;
  onCommit: (next: string | undefined) => void;
  placeholder: string;
  testId?: string;
  /** Draw as a search box with a search button. */
  search?: boolean;
  /** Suggestions shown while typing. */
  suggestions?: readonly string[];
}

/** A text filter that commits on Enter, blur, pick or clear. */
export function CommitInput({ value, onCommit, placeholder, testId, search = false, suggestions }: CommitInputProps) {
  const [draft, setDraft] = useState(value ?? '');
  useEffect(() => setDraft(value ?? ''), [value]);
  const commit = (next: string) => {
    const trimmed = next.trim() || undefined;
    if (trimmed !== value) onCommit(trimmed);
  };
  const onChange = (event: ChangeEvent<HTMLInputElement>) => {
    setDraft(event.target.value);
    // the clear button empties the field without Enter or blur
    if (event.type === 'click' && !event.target.value) commit('');
  };
  const common = {
    value: draft,
    placeholder,
    allowClear: true,
    onChange,
    onPressEnter: () => commit(draft),
    onBlur: () => commit(draft),
  };

  if (suggestions) {
    return (
      <AutoComplete
        style={{ width: '100%' }}
        value={draft}
        options={suggestions.map((option) => ({ value: option }))}
        onSelect={(picked: string) => {
          setDraft(picked);
          commit(picked);
        }}
        data-testid={testId}
      >
        <Input {...common} />
      </AutoComplete>
    );
  }
  return search ? <Input.Search {...common} onSearch={commit} enterButton data-testid={testId} /> : <Input {...common} data-testid={testId} />;
}
