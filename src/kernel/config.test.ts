import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('runs with no settings at all, on the documented defaults', () => {
    expect(loadConfig({})).toEqual({
      port: 8080,
      host: '0.0.0.0',
      mqttPort: 1883,
      mqttsPort: 8883,
      mqttTls: undefined,
      mqttMaxPayload: 65_536,
      mqttDeviceRate: 100,
      dataDir: path.resolve('./data'),
      databaseUrl: undefined,
      logLevel: 'info',
      publicUrl: undefined,
      bodyLimit: 1_048_576,
      importLimit: 10_485_760,
      sessionHours: 12,
      sourceRate: 5000,
      dbPoolSize: 20,
      uploadLimit: 10_485_760,
      s3: undefined,
      smtp: undefined,
    });
  });

  it('reads the settings it is given and treats an empty one as unset', () => {
    const c = loadConfig({ PORT: '9000', DATABASE_URL: 'postgresql://u@db:5432/storeos', LOG_LEVEL: 'debug', STOREOS_BODY_LIMIT: '2048', HOST: '' });
    expect(c.port).toBe(9000);
    expect(c.databaseUrl).toBe('postgresql://u@db:5432/storeos');
    expect(c.logLevel).toBe('debug');
    expect(c.bodyLimit).toBe(2048);
    expect(c.host).toBe('0.0.0.0');
  });

  it('PORT=abc fails naming PORT', () => {
    const e = configError({ PORT: 'abc' });
    expect(e.message).toMatch(/^PORT /);
    expect(configError({ PORT: '70000' }).message).toMatch(/^PORT .*65535/);
  });

  it('a MySQL DATABASE_URL fails naming DATABASE_URL', () => {
    expect(configError({ DATABASE_URL: 'mysql://root@localhost/storeos' }).message).toMatch(/^DATABASE_URL .*postgres/);
  });

  it('LOG_LEVEL=loud fails listing the levels', () => {
    expect(configError({ LOG_LEVEL: 'loud' }).message).toMatch(/^LOG_LEVEL .*trace/);
  });

  it('MQTT TLS needs both the certificate and the key', () => {
    expect(configError({ MQTT_TLS_CERT: 'cert.pem' }).message).toMatch(/^MQTT_TLS_CERT and MQTT_TLS_KEY must be set together/);
    expect(loadConfig({ MQTT_TLS_CERT: 'cert.pem', MQTT_TLS_KEY: 'key.pem' }).mqttTls).toEqual({
      certFile: path.resolve('cert.pem'),
      keyFile: path.resolve('key.pem'),
    });
  });

  it('S3 needs all four settings, SMTP a smtp:// URL', () => {
    expect(configError({ STOREOS_S3_ENDPOINT: 'http://127.0.0.1:9000' }).message).toMatch(/^STOREOS_S3_ENDPOINT, STOREOS_S3_BUCKET/);
    const s3 = { STOREOS_S3_ENDPOINT: 'http://127.0.0.1:9000', STOREOS_S3_BUCKET: 'photos', STOREOS_S3_ACCESS_KEY: 'a', STOREOS_S3_SECRET_KEY: 'b' };
    expect(loadConfig(s3).s3).toMatchObject({ bucket: 'photos', region: 'us-east-1' });
    expect(configError({ STOREOS_SMTP_URL: 'mail.example.com' }).message).toMatch(/^STOREOS_SMTP_URL /);
    expect(configError({ STOREOS_UPLOAD_LIMIT: '12' }).message).toMatch(/^STOREOS_UPLOAD_LIMIT /);
  });

  it('reports every bad setting, one line each', () => {
    const lines = configError({ PORT: 'abc', LOG_LEVEL: 'loud', DB_POOL_SIZE: '1' }).message.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => l.split(' ')[0]).sort()).toEqual(['DB_POOL_SIZE', 'LOG_LEVEL', 'PORT']);
  });
});
