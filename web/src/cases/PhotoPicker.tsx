import { useEffect, useMemo, useState } from 'react';
import { Icon } from './icons';
import { fitPhotos } from './photo-shrink';

/** Thumbnails of photos picked on the phone (object URLs released when they go). */
export function PickedPhotos({ photos, onRemove }: { photos: readonly Blob[]; onRemove?: (index: number) => void }) {
  const urls = useMemo(() => photos.map((p) => URL.createObjectURL(p)), [photos]);
  useEffect(() => () => urls.forEach((u) => URL.revokeObjectURL(u)), [urls]);
  if (photos.length === 0) return null;
  return (
    <div className="case-picked" data-testid="picked-photos" data-count={photos.length}>
      {urls.map((u, i) => (
        <div key={u} className="case-picked-item">
          <img src={u} alt={`照片 ${i + 1}`} />
          {onRemove && (
            <button type="button" className="case-picked-remove" aria-label={`删除照片 ${i + 1}`} onClick={() => onRemove(i)}>
              ×
            </button>
          )}
        </div>
      ))}
    </div>
  );
}

/**
 * A camera button: opens the rear camera on a phone, the file chooser elsewhere. Photos over the gateway's limits
 * are shrunk on the phone before they are handed on (photo-shrink.ts).
 */
export function CameraButton({
  label,
  onPick,
  testId,
  className = 'case-camera',
}: {
  label: string;
  onPick: (files: File[]) => void;
  testId: string;
  className?: string;
}) {
  const [fitting, setFitting] = useState(false);
  return (
    <label className={className} data-fitting={fitting}>
      <span>
        <Icon name="camera" /> {fitting ? '正在处理照片…' : label}
      </span>
      <input
        type="file"
        accept="image/*"
        capture="environment"
        multiple
        disabled={fitting}
        data-testid={testId}
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          if (!files.length) return;
          setFitting(true);
          void fitPhotos(files)
            .then(onPick)
            .finally(() => setFitting(false));
        }}
      />
    </label>
  );
}
