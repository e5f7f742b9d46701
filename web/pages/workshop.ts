import express, { Router } from 'express';
import type { WebContext } from '../context';

export function workshopPages(_ctx: WebContext): Router {
  return express.Router();
}
