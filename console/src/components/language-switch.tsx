import { TranslationOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { changeLanguage, useLanguage } from '../lib/i18n.ts';

/** Switches between 中文 and English; the button names the language it switches to. */
export function LanguageSwitch() {
  const language = useLanguage();
  const next = language === 'zh-CN' ? 'en' : 'zh-CN';
  return (
    <Button
      type="text"
      icon={<TranslationOutlined />}
      data-testid="language-switch"
      data-language={language}
      lang={next}
      onClick={() => void changeLanguage(next)}
    >
      {next === 'en' ? 'English' : '中文'}
    </Button>
  );
}
