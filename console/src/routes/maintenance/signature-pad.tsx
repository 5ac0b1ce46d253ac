// A pad to sign on with a finger or a mouse; answers the drawing as a PNG.
import { Button, Flex, Typography } from 'antd';
import { forwardRef, useImperativeHandle, useRef } from 'react';
import { useTranslation } from 'react-i18next';

/** What the page asks the pad. */
export interface SignaturePadHandle {
  /** The drawing as a PNG, or null when nothing was drawn. */
  toBlob(): Promise<Blob | null>;
  clear(): void;
}

/** The pad (pointer events: touch, pen and mouse alike). */
export const SignaturePad = forwardRef<SignaturePadHandle>(function SignaturePad(_props, ref) {
  const { t } = useTranslation();
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const drawn = useRef(false);

  const point = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - rect.left) * e.currentTarget.width) / rect.width, y: ((e.clientY - rect.top) * e.currentTarget.height) / rect.height };
  };

  useImperativeHandle(ref, () => ({
    toBlob: () =>
      new Promise((resolve) => {
        if (!drawn.current || !canvas.current) return resolve(null);
        canvas.current.toBlob((blob) => resolve(blob), 'image/png');
      }),
    clear: () => {
      const c = canvas.current;
      c?.getContext('2d')?.clearRect(0, 0, c.width, c.height);
      drawn.current = false;
    },
  }));

  return (
    <div>
      <Flex justify="space-between" align="center">
        <Typography.Text type="secondary">{t('maintenance.signHere')}</Typography.Text>
        <Button
          size="small"
          type="link"
          onClick={() => {
            const c = canvas.current;
            c?.getContext('2d')?.clearRect(0, 0, c.width, c.height);
            drawn.current = false;
          }}
        >
          {t('maintenance.clearSignature')}
        </Button>
      </Flex>
      <canvas
        ref={canvas}
        width={600}
        height={200}
        data-testid="signature-pad"
        style={{ width: '100%', maxWidth: 600, height: 160, border: '1px dashed #bbb', borderRadius: 6, touchAction: 'none', background: '#fff' }}
        onPointerDown={(e) => {
          const ctx = e.currentTarget.getContext('2d');
          if (!ctx) return;
          drawing.current = true;
          e.currentTarget.setPointerCapture(e.pointerId);
          const p = point(e);
          ctx.lineWidth = 3;
          ctx.lineCap = 'round';
          ctx.strokeStyle = '#111';
          ctx.beginPath();
          ctx.moveTo(p.x, p.y);
        }}
        onPointerMove={(e) => {
          if (!drawing.current) return;
          const ctx = e.currentTarget.getContext('2d');
          const p = point(e);
          ctx?.lineTo(p.x, p.y);
          ctx?.stroke();
          drawn.current = true;
        }}
        onPointerUp={() => {
          drawing.current = false;
        }}
      />
    </div>
  );
});
